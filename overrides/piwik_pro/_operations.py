"""A typed view of `piwik_pro_api._index`, the generated operation index.

The client, the CLI and the tests discover operations here, never by scanning
the filesystem. The index is imported on first use, so `import piwik_pro`
works (and the sandbox runs) before anything was generated.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BodyInfo",
    "DocInfo",
    "OperationInfo",
    "ParameterInfo",
    "docs",
    "find_operation",
    "match_path",
    "no_such_attribute",
    "operations",
]

INDEX_MODULE = "piwik_pro_api._index"
JSON_API = "application/vnd.api+json"


@dataclass(frozen=True)
class ParameterInfo:
    name: str  # as in the API: "page[offset]"
    python_name: str  # the generated function's keyword: "page_offset"
    location: str  # "query" | "path" | "header" | "cookie"
    required: bool
    type: str


@dataclass(frozen=True)
class BodyInfo:
    model: str | None
    module: str | None
    required: bool


@dataclass(frozen=True)
class DocInfo:
    package: str
    accessor: str
    file: str
    title: str


@dataclass(frozen=True)
class OperationInfo:
    name: str
    doc: str
    accessor: str
    module: str
    method: str
    path: str
    summary: str
    parameters: tuple[ParameterInfo, ...]
    body: BodyInfo | None
    request_content_type: str | None
    accept: str | None
    success_status: tuple[int, ...]
    pagination: str | None  # "offset_limit" | "page" | None

    @property
    def qualified_name(self) -> str:
        return f"{self.accessor}.{self.name}"

    @property
    def is_json_api(self) -> bool:
        return JSON_API in (self.request_content_type or "") or JSON_API in (self.accept or "")

    def parameter(self, api_name: str) -> ParameterInfo | None:
        return next((p for p in self.parameters if p.name == api_name), None)

    def load(self) -> Any:
        """The generated endpoint module (imported now, not before)."""
        return importlib.import_module(self.module)


def _index() -> Any:
    try:
        return importlib.import_module(INDEX_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and INDEX_MODULE.startswith(exc.name):
            raise ModuleNotFoundError(
                "piwik_pro_api is not generated yet: run `nox -s regenerate` (see README)", name=exc.name
            ) from exc
        raise


def _operation(raw: Mapping[str, Any]) -> OperationInfo:
    body = raw.get("body")
    return OperationInfo(
        name=str(raw["name"]),
        doc=str(raw["doc"]),
        accessor=str(raw["accessor"]),
        module=str(raw["module"]),
        method=str(raw["method"]).upper(),
        path=str(raw["path"]),
        summary=str(raw.get("summary") or ""),
        parameters=tuple(
            ParameterInfo(
                name=str(p["name"]),
                python_name=str(p.get("python_name") or p["name"]),
                location=str(p.get("in") or "query"),
                required=bool(p.get("required")),
                type=str(p.get("type") or "Any"),
            )
            for p in raw.get("parameters") or ()
        ),
        body=None
        if not body
        else BodyInfo(
            model=body.get("model"),
            module=body.get("module"),
            required=bool(body.get("required")),
        ),
        request_content_type=raw.get("request_content_type"),
        accept=raw.get("accept"),
        success_status=tuple(int(s) for s in raw.get("success_status") or ()),
        pagination=raw.get("pagination"),
    )


@functools.lru_cache(maxsize=1)
def _operations() -> tuple[OperationInfo, ...]:
    raw = _index().OPERATIONS
    items = raw.values() if isinstance(raw, Mapping) else raw
    return tuple(_operation(op) for op in items)


def operations() -> list[OperationInfo]:
    """Every generated operation, in index order."""
    return list(_operations())


@functools.lru_cache(maxsize=1)
def _docs() -> tuple[DocInfo, ...]:
    raw: Mapping[str, Mapping[str, Any]] = _index().DOCS
    return tuple(
        DocInfo(
            package=package,
            accessor=str(d.get("accessor") or package),
            file=str(d.get("file") or ""),
            title=str(d.get("title") or package),
        )
        for package, d in raw.items()
    )


def docs() -> list[DocInfo]:
    """Every generated API (one per Piwik PRO doc)."""
    return list(_docs())


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, list[OperationInfo]]:
    table: dict[str, list[OperationInfo]] = {}
    for op in _operations():
        for key in (op.name, op.qualified_name, f"{op.doc}.{op.name}"):
            bucket = table.setdefault(key, [])
            if op not in bucket:
                bucket.append(op)
    return table


def find_operation(name: str) -> OperationInfo:
    """Look an operation up by `name`, `accessor.name` (e.g. "tag_manager.tags.list_tags") or `doc.name`.

    Raises LookupError naming close matches when the name is unknown or ambiguous.
    """
    found = _by_name().get(name.strip())
    if found and len(found) == 1:
        return found[0]
    if found:
        choices = ", ".join(sorted(op.qualified_name for op in found))
        raise LookupError(f"operation {name!r} is in several APIs; qualify it: {choices}")
    import difflib

    close = difflib.get_close_matches(name, list(_by_name()), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `piwik-pro ops` lists them"
    raise LookupError(f"unknown operation {name!r}{hint}")


@functools.lru_cache(maxsize=1)
def _path_table() -> list[tuple[str, re.Pattern[str], int, OperationInfo]]:
    table = []
    for op in _operations():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(op.path.rstrip("/"))) + "/?$")
        params = op.path.count("{")
        table.append((op.method, pattern, params, op))
    # Literal segments win over templates: /users/me before /users/{id}.
    table.sort(key=lambda row: row[2])
    return table


def match_path(method: str, path: str) -> OperationInfo | None:
    """The operation a concrete `METHOD /path` belongs to, if the index knows it."""
    return _match_path(method.upper(), path.split("?", 1)[0])


@functools.lru_cache(maxsize=1024)  # scripts call the same few paths over and over
def _match_path(method: str, path: str) -> OperationInfo | None:
    try:
        table = _path_table()
    except ModuleNotFoundError:
        return None
    for op_method, pattern, _, op in table:
        if op_method == method and pattern.match(path):
            return op
    return None


def no_such_attribute(
    where: str, obj: object, name: str, what: str, listing: str, of: type | None = None
) -> AttributeError:
    """The error for `<where>.<name>` when there is no such attribute: close matches and what there is.

    Static checkers see the typed attributes; this message is for the REPL and untyped code. The
    choices are the public names of `of` (default: the object's class).
    """
    import difflib

    names = sorted(n for n in dir(of or type(obj)) if not n.startswith("_"))
    close = difflib.get_close_matches(name, names, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return AttributeError(f"{where} has no {what} {name!r}{hint}; {listing}: {', '.join(names)}")

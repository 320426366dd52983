"""Collect the docs' JSON examples and compare round-tripped values (shared by the tests here).

What counts as an example (this is how 2025-01 gives 319 response examples):
- a media type object's `example`, and each `examples{}` entry's `value`
  (entries given as `$ref` to components/examples are resolved);
- only on JSON media types (`application/json`, `*+json`): text/plain, CSV
  and NDJSON bodies are not parsed into models;
- responses given as `$ref` to components/responses count once per use;
- schema-level `example`s are NOT counted: they illustrate one field (often
  a fragment or a placeholder), not a whole body the API sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def docs_source() -> str | None:
    """PIWIK_PRO_DOCS_SOURCE, relative folders taken from the repo root (as CI sets it), or None."""
    from tests.conftest import resolve_docs_source

    return resolve_docs_source()


@cache
def fixed_docs() -> dict[str, dict[str, Any]]:
    from piwik_pro_spec.docs import load_fixed_docs

    return load_fixed_docs(docs_source())


def is_json(media: str) -> bool:
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def resolve(doc: dict[str, Any], node: Any) -> Any:
    for _ in range(16):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = doc
        for token in node["$ref"][2:].split("/"):
            target = target.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        node = target
    return node


@dataclass(frozen=True)
class Example:
    doc: str
    method: str
    path: str
    status: str  # "" for a request body
    media: str
    name: str
    value: Any

    @property
    def id(self) -> str:
        where = f"response {self.status}" if self.status else "request"
        return f"{self.doc}:{self.method.upper()} {self.path}:{where}:{self.name}"


def media_examples(doc: dict[str, Any], content: Any) -> Iterator[tuple[str, str, Any]]:
    """(media, example name, value) for every JSON example of a content map."""
    if not isinstance(content, dict):
        return
    for media, media_obj in content.items():
        if not (is_json(media) and isinstance(media_obj, dict)):
            continue
        if "example" in media_obj:
            yield media, "example", media_obj["example"]
        for name, entry in (media_obj.get("examples") or {}).items():
            entry = resolve(doc, entry)
            if isinstance(entry, dict) and "value" in entry:
                yield media, str(name), entry["value"]


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                yield path, method, op


def response_examples(package: str, doc: dict[str, Any]) -> Iterator[Example]:
    for path, method, op in operations(doc):
        for status, response in (op.get("responses") or {}).items():
            response = resolve(doc, response)
            if isinstance(response, dict):
                for media, name, value in media_examples(doc, response.get("content")):
                    yield Example(package, method, path, str(status), media, name, value)


def request_examples(package: str, doc: dict[str, Any]) -> Iterator[Example]:
    for path, method, op in operations(doc):
        body = resolve(doc, op.get("requestBody"))
        if isinstance(body, dict):
            for media, name, value in media_examples(doc, body.get("content")):
                yield Example(package, method, path, "", media, name, value)


# --- comparing what to_dict() gives back with the example -----------------------------------------


def same(example: Any, got: Any, where: str = "$") -> str | None:
    """None if `got` (from to_dict()) is exactly `example`, else where and how they differ.

    Exact means: the same keys (none dropped, none added), the same values and
    the same JSON types (`1` is not `1.0`, `true` is not `1`). Only the order of
    object keys is ignored. No date-time, UUID or number normalisation is
    applied: none is needed for the 2025-01 docs, so none is allowed.
    """
    if isinstance(example, dict):
        if not isinstance(got, dict):
            return f"{where}: expected an object, got {type(got).__name__}"
        missing = sorted(set(example) - set(got))
        extra = sorted(set(got) - set(example))
        if missing or extra:
            return f"{where}: keys missing {missing}, extra {extra}"
        for key in example:
            problem = same(example[key], got[key], f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(example, list):
        if not isinstance(got, list) or len(got) != len(example):
            return f"{where}: expected a list of {len(example)}, got {got!r:.80}"
        for i, (a, b) in enumerate(zip(example, got, strict=True)):
            problem = same(a, b, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if type(example) is type(got) and example == got:
        return None
    return f"{where}: expected {example!r:.80} ({type(example).__name__}), got {got!r:.80} ({type(got).__name__})"

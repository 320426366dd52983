"""JSON:API success documents require `data`, and their resource objects `id` and `type`.

A JSON:API success document has primary `data`, and every resource object in
it has `id` and `type` (JSON:API 1.1, "Top Level" and "Resource Objects").
Most docs leave all three optional, so the client types them `X | Unset`
though the API always sends them. For every 2xx response declared
`application/vnd.api+json` that is a resource document, `data` is made
required on the schema that declares it, and `type` and `id` on each resource
schema (the items, for a list of resources), where the schema declares them.

The examples show what the API sends: where a doc example (a media or schema
example, request or response) leaves one of them out, it stays optional there
(reported). `id` also stays optional on a schema that a POST request body uses:
a resource the client creates has no id yet (JSON:API 1.1 allows that).
"""

from __future__ import annotations

from typing import Any

from . import examples_conform
from ._walk import Path, Record, deref, operations
from .jsonapi_bodies import _declaring
from .jsonapi_media import JSON_API, document_kind

NAME = "jsonapi-success-documents"

# (schema path, property) -> why the rule adds it
_Wanted = dict[tuple[Path, str], str]


def _wanted(doc: dict[str, Any]) -> _Wanted:
    wanted: _Wanted = {}
    for path, method, op in operations(doc):
        for status, response in (op.get("responses") or {}).items():
            if not str(status).startswith("2"):
                continue
            holder, hpath = deref(doc, response, ("paths", path, method, "responses", status))
            media = (holder.get("content") or {}).get(JSON_API) if isinstance(holder, dict) else None
            if not (isinstance(media, dict) and document_kind(doc, media.get("schema")) == "resource"):
                continue
            for top, tpath in _declaring(doc, media["schema"], (*hpath, "content", JSON_API, "schema"), "data"):
                wanted.setdefault((tpath, "data"), "success document")
                data, dpath = deref(doc, top["properties"]["data"], (*tpath, "properties", "data"))
                if isinstance(data, dict) and data.get("type") == "array":
                    data, dpath = deref(doc, data.get("items"), (*dpath, "items"))
                for name in ("type", "id"):
                    for _, rpath in _declaring(doc, data, dpath, name):
                        wanted.setdefault((rpath, name), "resource object")
    return wanted


def _created_resources(doc: dict[str, Any]) -> set[Path]:
    """Paths of the resource schemas (the `data`, or its items) of every POST request body."""
    out: set[Path] = set()
    for path, method, op in operations(doc):
        if method != "post":
            continue
        body, bpath = deref(doc, op.get("requestBody"), ("paths", path, method, "requestBody"))
        for media_type, media in ((body.get("content") if isinstance(body, dict) else None) or {}).items():
            if not isinstance(media, dict):
                continue
            for top, tpath in _declaring(doc, media.get("schema"), (*bpath, "content", media_type, "schema"), "data"):
                data, dpath = deref(doc, top["properties"]["data"], (*tpath, "properties", "data"))
                if isinstance(data, dict) and data.get("type") == "array":
                    data, dpath = deref(doc, data.get("items"), (*dpath, "items"))
                out.update(rpath for _, rpath in _declaring(doc, data, dpath, "id"))
    return out


def _node(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    node: Any = doc
    for key in path:
        node = node[key]
    assert isinstance(node, dict)
    return node


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    created = _created_resources(doc)
    added: list[tuple[Path, str, str]] = []
    for (path, name), why in sorted(_wanted(doc).items(), key=lambda kv: (repr(kv[0][0]), kv[0][1])):
        schema = _node(doc, path)
        required = schema.get("required", [])
        if not isinstance(required, list) or name in required:
            continue
        if name == "id" and path in created:
            record((*path, "required"), "JSON:API resource object: 'id' left optional (a POST body creates it)")
            continue
        schema["required"] = [*required, name]
        added.append((path, name, why))
    # Take back what a doc example leaves out: the same repair examples-conform
    # makes (it already ran, so on the rest of the doc it changes nothing).
    examples_conform.apply(doc, package, _ignore)
    for path, name, why in added:
        if name in (_node(doc, path).get("required") or []):
            record((*path, "required"), f"JSON:API {why}: {name!r} required")
        else:
            record((*path, "required"), f"JSON:API {why}: {name!r} left optional (a doc example leaves it out)")


def _ignore(path: Path, detail: str) -> None:
    """examples-conform's own records: each undone requirement is reported above instead."""

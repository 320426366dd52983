"""JSON:API request bodies require `data`, and `data` requires `type`.

A JSON:API request document must have primary `data`, and every resource
object a `type` (JSON:API 1.0, "Top Level" and "Resource Objects"); the API
answers 400 without them. Several docs leave both optional, so `{}` is valid
by the doc (and by a mock built from it) while the API and the sandbox reject
it. For every request body declared `application/vnd.api+json` that is a
resource document, `data` is made required on the schema that declares it,
and `type` on each resource schema (the items, for a list of resources); so is
`attributes` where the attributes themselves require a member (a resource
that must carry an email cannot leave out the object that holds it).
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, deref, operations
from .jsonapi_media import JSON_API, document_kind

NAME = "jsonapi-request-bodies"


def _declaring(
    doc: dict[str, Any], node: Any, path: Path, name: str, depth: int = 0
) -> list[tuple[dict[str, Any], Path]]:
    """The schema nodes (with their paths) that declare property `name`: the node itself, allOf or union members."""
    schema, path = deref(doc, node, path)
    if not isinstance(schema, dict) or depth > 8:
        return []
    if isinstance(schema.get("properties"), dict) and name in schema["properties"]:
        return [(schema, path)]
    found: list[tuple[dict[str, Any], Path]] = []
    for key in ("allOf", "oneOf", "anyOf"):
        for i, member in enumerate(schema.get(key) or []):
            found += _declaring(doc, member, (*path, key, i), name, depth + 1)
    return found


def _require(schema: dict[str, Any], path: Path, name: str, record: Record) -> None:
    required = schema.setdefault("required", [])
    if isinstance(required, list) and name not in required:
        required.append(name)
        record((*path, "required"), f"JSON:API request document: {name!r} required")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for path, method, op in operations(doc):
        body, bpath = deref(doc, op.get("requestBody"), ("paths", path, method, "requestBody"))
        media = (body.get("content") or {}).get(JSON_API) if isinstance(body, dict) else None
        if not (isinstance(media, dict) and document_kind(doc, media.get("schema")) == "resource"):
            continue
        for top, tpath in _declaring(doc, media["schema"], (*bpath, "content", JSON_API, "schema"), "data"):
            _require(top, tpath, "data", record)
            data, dpath = deref(doc, top["properties"]["data"], (*tpath, "properties", "data"))
            if isinstance(data, dict) and data.get("type") == "array":
                data, dpath = deref(doc, data.get("items"), (*dpath, "items"))
            for resource, rpath in _declaring(doc, data, dpath, "type"):
                _require(resource, rpath, "type", record)
            for resource, rpath in _declaring(doc, data, dpath, "attributes"):
                if _requires_something(doc, resource["properties"]["attributes"]):
                    _require(resource, rpath, "attributes", record)


def _requires_something(doc: dict[str, Any], node: Any, depth: int = 0) -> bool:
    """Whether the schema (or an allOf member) has a non-empty `required`."""
    schema, _ = deref(doc, node, ())
    if not isinstance(schema, dict) or depth > 8:
        return False
    if schema.get("required"):
        return True
    return any(_requires_something(doc, m, depth + 1) for m in schema.get("allOf") or [])

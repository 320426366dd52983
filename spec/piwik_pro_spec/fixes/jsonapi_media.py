"""JSON:API operations declare `application/vnd.api+json`, whatever the doc says.

Piwik PRO's JSON:API endpoints reject `Content-Type: application/json` with
400 `error.json-api-content-type`, yet several docs declare plain JSON (or
`*/*`) for them. An operation is JSON:API when its request body or a 2xx
response is a JSON:API document: an object whose `data` is a resource object
(or list of them) with `type` and `attributes` or `id`. For such operations
every JSON body that is a JSON:API document (a resource document, or an
`errors` document) is declared `application/vnd.api+json`. Plain-JSON APIs
(analytics queries, CDP) have no resource documents and are left alone.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, operations, resolve

NAME = "jsonapi-media-type"

JSON_API = "application/vnd.api+json"
_PLAIN_JSON = ("application/json",)


def _properties(doc: dict[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 8:
        return {}
    out: dict[str, Any] = dict(schema.get("properties") or {})
    for member in schema.get("allOf") or []:
        out.update(_properties(doc, member, depth + 1))
    for key in ("oneOf", "anyOf"):
        for member in schema.get(key) or []:
            for name, sub in _properties(doc, member, depth + 1).items():
                out.setdefault(name, sub)
    return out


def _is_resource(doc: dict[str, Any], schema: Any) -> bool:
    schema = resolve(doc, schema)
    if isinstance(schema, dict) and schema.get("type") == "array":
        schema = schema.get("items")
    props = _properties(doc, schema)
    return "type" in props and ("attributes" in props or "id" in props)


def document_kind(doc: dict[str, Any], schema: Any) -> str | None:
    """'resource' for a JSON:API resource document, 'errors' for an errors document, else None."""
    props = _properties(doc, schema)
    if "data" in props and _is_resource(doc, props["data"]):
        return "resource"
    if "errors" in props and resolve(doc, props["errors"]).get("type") == "array":
        return "errors"
    return None


def _bodies(doc: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> list[tuple[Path, Any, bool]]:
    """(path, holder, is_success_or_request) for the request body and each response, resolved."""
    base: Path = ("paths", path, method)
    out: list[tuple[Path, Any, bool]] = []
    body = op.get("requestBody")
    if isinstance(body, dict):
        out.append(((*base, "requestBody"), body, True))
    for status, response in (op.get("responses") or {}).items():
        success = str(status).startswith("2")
        if isinstance(response, dict) and "$ref" in response:
            out.append(
                (("components", "responses", response["$ref"].rsplit("/", 1)[-1]), resolve(doc, response), success)
            )
        else:
            out.append(((*base, "responses", status), response, success))
    return out


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for path, method, op in operations(doc):
        bodies = _bodies(doc, path, method, op)
        kinds: list[tuple[Path, dict[str, Any], str, str | None, bool]] = []
        for where, holder, primary in bodies:
            content = holder.get("content") if isinstance(holder, dict) else None
            if not isinstance(content, dict):
                continue
            for media, media_obj in content.items():
                if isinstance(media_obj, dict) and (media in _PLAIN_JSON or media == JSON_API):
                    kinds.append((where, content, media, document_kind(doc, media_obj.get("schema")), primary))
        if not any(kind == "resource" and primary for _, _, _, kind, primary in kinds):
            continue
        for where, content, media, kind, _ in kinds:
            if media == JSON_API or kind is None or media not in content:
                continue
            media_obj = content.pop(media)
            if JSON_API in content:
                record((*where, "content", media), f"dropped {media}: the JSON:API body is declared as {JSON_API}")
                continue
            content[JSON_API] = media_obj
            record((*where, "content", media), f"{media} -> {JSON_API} (JSON:API {kind} document)")

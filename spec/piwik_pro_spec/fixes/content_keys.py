"""Repair `content` maps whose keys are not usable media types.

- a key that is not `type/subtype` at all (e.g. `required: true` put inside
  `content`) is moved to where it belongs (`requestBody.required`) or dropped;
- the wildcard `*/*` on a JSON-described body becomes `application/json`
  (the generator cannot parse a wildcard, and the schema says it is JSON);
- a JSON structured-syntax suffix written with a dot (`application/vnd.api.json`)
  is spelled `+json`.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Path, Record, operations

NAME = "content-keys"

_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+*-]+/[A-Za-z0-9!#$&^_.+*-]+(\s*;.*)?$")
_DOT_JSON = re.compile(r"^(application/[A-Za-z0-9!#$&^_.+-]+)\.json$")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for path, method, op in operations(doc):
        base: Path = ("paths", path, method)
        body = op.get("requestBody")
        if isinstance(body, dict):
            _fix_content(body, (*base, "requestBody"), record, is_body=True)
        for status, response in (op.get("responses") or {}).items():
            if isinstance(response, dict):
                _fix_content(response, (*base, "responses", status), record, is_body=False)
    components = doc.get("components") or {}
    for section, is_body in (("responses", False), ("requestBodies", True)):
        for name, holder in (components.get(section) or {}).items():
            if isinstance(holder, dict):
                _fix_content(holder, ("components", section, name), record, is_body=is_body)


def _fix_content(holder: dict[str, Any], path: Path, record: Record, *, is_body: bool) -> None:
    content = holder.get("content")
    if not isinstance(content, dict):
        return
    fixed: dict[str, Any] = {}
    changed = False
    for key, media in content.items():
        cpath = (*path, "content", key)
        if not isinstance(key, str) or not _MEDIA_TYPE.match(key) or not isinstance(media, dict):
            changed = True
            if key == "required" and isinstance(media, bool) and is_body:
                holder["required"] = media
                record(cpath, f"moved `required: {str(media).lower()}` out of content to the request body")
            else:
                record(cpath, f"dropped content key {key!r}: not a media type")
            continue
        new_key = key
        match = _DOT_JSON.match(key)
        if match:
            new_key = match.group(1) + "+json"
        elif key.strip() == "*/*" and _looks_json(media):
            new_key = "application/json"
        if new_key != key:
            changed = True
            if new_key in content or new_key in fixed:
                record(cpath, f"dropped {key!r}: the same body is already declared as {new_key!r}")
                continue
            record(cpath, f"media type {key!r} -> {new_key!r}")
        fixed[new_key] = media
    if changed:
        holder["content"] = fixed


def _looks_json(media: dict[str, Any]) -> bool:
    schema = media.get("schema")
    if not isinstance(schema, dict):
        return "example" in media or "examples" in media
    return schema.get("type") != "string" or schema.get("format") not in ("binary", "byte")

"""A multipart form field whose `format` is a media type is a file upload.

`{type: string, format: application/json}` on a `multipart/form-data` field
means "a file of this type"; OpenAPI 3.0 spells a file `format: binary`,
which the generator turns into a `File` sent as a file part (otherwise it is
sent as a plain text field). The media type is kept in `x-content-type`.
"""

from __future__ import annotations

from typing import Any

from ._walk import Record, operations, resolve

NAME = "multipart-files"


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for path, method, op in operations(doc):
        body = resolve(doc, op.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict):
            continue
        for media, media_obj in content.items():
            if not media.startswith("multipart/form-data") or not isinstance(media_obj, dict):
                continue
            schema = resolve(doc, media_obj.get("schema"))
            props = schema.get("properties") if isinstance(schema, dict) else None
            for name, prop in (props or {}).items():
                fmt = prop.get("format") if isinstance(prop, dict) else None
                if prop.get("type") == "string" and isinstance(fmt, str) and "/" in fmt:
                    prop["format"] = "binary"
                    prop.setdefault("x-content-type", fmt)
                    where = ("paths", path, method, "requestBody", "content", media, "schema", "properties", name)
                    record(where, f"multipart field {name!r} with format {fmt!r} is a file: format binary")

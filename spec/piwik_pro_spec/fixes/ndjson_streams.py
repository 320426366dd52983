"""Newline-delimited JSON streams are text: one JSON document per line.

A response declared as `application/x-ndjson` with the schema of one item
cannot be parsed with `response.json()`. The response keeps its media type
(it is what the API sends and what Accept must ask for) and its schema becomes
`string`; the item schema moves to `x-ndjson-item`, so handwritten code can
parse each line into the item model. The generator reads the body as text
through `content_type_overrides` in spec/generator.yaml.
"""

from __future__ import annotations

from typing import Any

from ._walk import Record, operations

NAME = "ndjson-streams"

STREAM_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    holders: list[tuple[tuple[Any, ...], Any]] = []
    for path, method, op in operations(doc):
        for status, response in (op.get("responses") or {}).items():
            holders.append((("paths", path, method, "responses", status), response))
    for name, response in ((doc.get("components") or {}).get("responses") or {}).items():
        holders.append((("components", "responses", name), response))
    for base, response in holders:
        content = response.get("content") if isinstance(response, dict) else None
        if not isinstance(content, dict):
            continue
        for media, media_obj in content.items():
            if media.split(";")[0].strip() not in STREAM_TYPES or not isinstance(media_obj, dict):
                continue
            schema = media_obj.get("schema")
            if isinstance(schema, dict) and schema.get("type") == "string":
                continue
            media_obj["schema"] = {
                "type": "string",
                "description": "Newline-delimited JSON: one item (see x-ndjson-item) per line.",
                "x-ndjson-item": schema if isinstance(schema, dict) else {},
            }
            record(
                (*base, "content", media, "schema"),
                "NDJSON stream: schema -> string, item schema kept in x-ndjson-item",
            )

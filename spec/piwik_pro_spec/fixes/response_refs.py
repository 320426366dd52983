"""A response given as `$ref` to a schema (not to components/responses).

`responses: {"204": {"$ref": "#/components/schemas/No_Content"}}` is invalid:
a response is an object with a description and content. A schema that only
carries a description (no type, properties, ...) is an empty response with that
description; any other schema becomes the JSON content of the response.
"""

from __future__ import annotations

from typing import Any

from ._walk import Record, operations, resolve

NAME = "response-schema-refs"

_SCHEMA_PREFIX = "#/components/schemas/"
_ANNOTATIONS = {"description", "title", "example", "examples", "deprecated"}


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for path, method, op in operations(doc):
        responses = op.get("responses")
        if not isinstance(responses, dict):
            continue
        for status, response in responses.items():
            ref = response.get("$ref") if isinstance(response, dict) else None
            if not (isinstance(ref, str) and ref.startswith(_SCHEMA_PREFIX)):
                continue
            schema = resolve(doc, response)
            name = ref[len(_SCHEMA_PREFIX) :]
            description = schema.get("description") if isinstance(schema, dict) else None
            new: dict[str, Any] = {"description": description or name.replace("_", " ")}
            if isinstance(schema, dict) and set(schema) - _ANNOTATIONS:
                new["content"] = {"application/json": {"schema": {"$ref": ref}}}
                detail = f"schema $ref {name!r} -> response with that schema as JSON content"
            else:
                detail = f"schema $ref {name!r} -> response without content ({new['description']!r})"
            responses[status] = new
            record(("paths", path, method, "responses", status), detail)

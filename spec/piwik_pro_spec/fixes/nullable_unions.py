"""Collapse `oneOf`/`anyOf` of one inline schema and `{type: null}` into `nullable: true`.

OpenAPI 3.1 docs spell "X or null" as `oneOf: [X, {type: null}]`. The
generator turns that into a union, and with an inline object inside X it tries
to build the same model twice and drops the schema. `X` + `nullable: true`
says the same and generates a plain optional field.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor

NAME = "nullable-unions"


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list) or len(members) != 2:
                continue
            nulls = [m for m in members if _is_null(m)]
            others = [m for m in members if not _is_null(m)]
            if len(nulls) != 1 or len(others) != 1:
                continue
            other = others[0]
            if not isinstance(other, dict) or "$ref" in other:
                continue
            del schema[key]
            for k, v in other.items():
                if k == "description" and "description" in schema:
                    continue
                schema[k] = v
            schema["nullable"] = True
            record((*path, key), f"{key} [schema, null] -> the schema with nullable: true")

    return visit

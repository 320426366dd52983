"""Make `enum`s ones a Python Enum can hold: one scalar type, str or int.

- an enum without `type` gets the type of its values;
- an enum of booleans (`enum: [false]`) becomes a plain `boolean`;
- an enum of arrays/objects (e.g. `[[1, "Page view"], ...]`) or of mixed types
  is dropped (a Python Enum cannot hold them);
- `null` among the values becomes `nullable: true`.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor

NAME = "enum-values"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        values = schema.get("enum")
        if not isinstance(values, list):
            return
        kinds = {_json_type(v) for v in values if v is not None}
        has_null = any(v is None for v in values)
        if "type" not in schema and len(kinds) == 1:
            schema["type"] = next(iter(kinds))
            record((*path, "type"), f"enum without type: type {schema['type']!r} from its values")
        if kinds <= {"string", "integer"} and len(kinds) == 1:
            return
        if not kinds:
            return
        del schema["enum"]
        if kinds == {"boolean"}:
            schema["type"] = "boolean"
            record((*path, "enum"), f"boolean enum {values!r} -> plain boolean")
        else:
            record((*path, "enum"), f"dropped enum over {sorted(kinds)} values (a Python Enum holds str or int)")
        if has_null:
            schema["nullable"] = True

    return visit

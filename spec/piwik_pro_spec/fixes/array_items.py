"""Give `items: {}` (any value) to array schemas that declare none.

The generator refuses `type: array` without `items`; JSON Schema reads a
missing `items` as "any items", which `{}` says explicitly.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor

NAME = "array-items"


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        kind = schema.get("type")
        is_array = kind == "array" or (isinstance(kind, list) and "array" in kind)
        if is_array and "items" not in schema and "prefixItems" not in schema:
            schema["items"] = {}
            record(path, "array without items: added `items: {}` (any value)")

    return visit

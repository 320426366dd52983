"""Replace invalid schema `type` values with the JSON Schema type they mean.

`bool` -> `boolean`, `int` -> `integer`, `float`/`double` -> `number`,
`dict` -> `object`, `list` -> `array`, `str` -> `string`; a type written as
prose (`"string or float"`) becomes `anyOf` over the named types. A type that
names nothing known is dropped (any value), and reported.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Path, Record, Visitor

NAME = "invalid-types"

VALID = {"string", "number", "integer", "boolean", "array", "object", "null"}
_ALIASES = {
    "bool": "boolean",
    "int": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "decimal": "number",
    "str": "string",
    "text": "string",
    "dict": "object",
    "map": "object",
    "list": "array",
}
_SEPARATORS = re.compile(r"\s*(?:\bor\b|\||,|/)\s*")


def canonical(name: str) -> str | None:
    name = name.strip().lower()
    if name in VALID:
        return name
    return _ALIASES.get(name)


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        kind = schema.get("type")
        if not isinstance(kind, str) or kind in VALID:
            return
        names = [canonical(part) for part in _SEPARATORS.split(kind) if part.strip()]
        known = sorted({n for n in names if n is not None}, key=names.index)
        if not known or None in names:
            del schema["type"]
            record((*path, "type"), f"dropped unknown type {kind!r}")
        elif len(known) == 1:
            schema["type"] = known[0]
            record((*path, "type"), f"type {kind!r} -> {known[0]!r}")
        else:
            del schema["type"]
            schema["anyOf"] = [{"type": k} for k in known]
            record((*path, "type"), f"type {kind!r} -> anyOf {known}")

    return visit

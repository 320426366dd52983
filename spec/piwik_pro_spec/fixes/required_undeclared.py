"""`required` names that the object never declares are dropped.

Some schemas require a property they do not describe: `required: [permissions]`
beside a declared `permission`, `required: [id]` on attributes whose id sits
on the resource, `required: [body]` on a response that has `text`. Nothing can
produce such a value from the doc (a mock answers without it and then fails its
own check), the generator ignores the name, and the doc's examples leave it
out. Only objects that declare their properties (directly, through `allOf`,
or in a union member) are judged; an open object with no properties, or one
whose extra properties have a schema, keeps its `required`.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor, resolve

NAME = "required-undeclared"


def declared(doc: dict[str, Any], schema: Any, depth: int = 0) -> set[str] | None:
    """Every property name the schema declares; None when it accepts names it does not list."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 8:
        return set()
    if schema.get("patternProperties") or isinstance(schema.get("additionalProperties"), dict):
        return None
    names = set(schema.get("properties") or {})
    for key in ("allOf", "oneOf", "anyOf"):
        for member in schema.get(key) or []:
            sub = declared(doc, member, depth + 1)
            if sub is None:
                return None
            names |= sub
    return names


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        required = schema.get("required")
        if not isinstance(required, list) or not required:
            return
        names = declared(doc, schema)
        if not names:  # an open object (or one that declares nothing): cannot judge
            return
        missing = [r for r in required if r not in names]
        if not missing:
            return
        kept = [r for r in required if r in names]
        if kept:
            schema["required"] = kept
        else:
            del schema["required"]
        record((*path, "required"), f"required {missing} not declared as properties: dropped")

    return visit

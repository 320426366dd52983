"""Give union members without a `type` the type their union declares.

`date_from: {type: string, anyOf: [{format: date}, {format: datetime}]}` says
"a string, in one of these formats". Each member alone has no type, so the
generator types the union as `Any` (and its TypedDict twin as `Any` too),
losing the `str` the doc states. A member that is a plain set of constraints
(no `type`, no `$ref`, no nested union or composition) takes the parent's
scalar type; members that say anything else are left as they are.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor

NAME = "union-member-types"

_SCALARS = {"string", "integer", "number", "boolean"}
_COMPOSITE = {"$ref", "type", "oneOf", "anyOf", "allOf", "not", "properties", "items", "additionalProperties"}


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        parent_type = schema.get("type")
        if parent_type not in _SCALARS:
            return
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list):
                continue
            for index, member in enumerate(members):
                if isinstance(member, dict) and not (set(member) & _COMPOSITE):
                    member["type"] = parent_type
                    record((*path, key, index), f"member without a type takes its union's type {parent_type!r}")

    return visit

"""Put catch-all members of a union last.

The generated union parser tries members in order and keeps the first that
parses. An empty object member (`{type: object}` with no properties, often
`additionalProperties: false`) accepts any object and silently drops its keys,
so placed first it shadows every specific member: `{"selector_type": "css"}`
parsed as the empty "default options" loses `selector_type`. Such members move
to the end (stable otherwise); the doc's meaning does not change (`oneOf`
order is not significant).
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor, resolve

NAME = "union-order"


def _catch_all(doc: dict[str, Any], member: Any) -> bool:
    target = resolve(doc, member)
    if not isinstance(target, dict):
        return False
    return (
        target.get("type") == "object"
        and not target.get("properties")
        and not target.get("required")
        and not any(target.get(k) for k in ("allOf", "oneOf", "anyOf", "patternProperties"))
        and not isinstance(target.get("additionalProperties"), dict)
    )


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list) or len(members) < 2:
                continue
            flags = [_catch_all(doc, m) for m in members]
            if not any(flags) or flags == sorted(flags):
                continue  # none, or already last
            schema[key] = [m for m, f in zip(members, flags, strict=True) if not f] + [
                m for m, f in zip(members, flags, strict=True) if f
            ]
            record((*path, key), "moved catch-all empty object member(s) to the end of the union")

    return visit

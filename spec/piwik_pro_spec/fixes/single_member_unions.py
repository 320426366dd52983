"""Replace a `oneOf`/`anyOf` with a single member by that member.

`Activation: {oneOf: [{$ref: WebhookActivation}]}` is a union of one. The
generator builds such a union over an `allOf` model twice and drops both
schemas ("duplicate models"). A union of one is just its member.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor

NAME = "single-member-unions"

_KEEP = {"description", "title", "example", "deprecated", "readOnly", "writeOnly", "nullable", "discriminator"}


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not (isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict)):
                continue
            if set(schema) - _KEEP - {key}:
                continue  # the union sits beside other constraints: leave it
            member = members[0]
            del schema[key]
            schema.pop("discriminator", None)
            for k, v in member.items():
                if k not in schema or k not in ("description", "title"):
                    schema[k] = v
            what = member.get("$ref", "inline schema")
            record((*path, key), f"{key} with a single member ({what}) replaced by the member")

    return visit

"""Repair `allOf`s the generator cannot take: members that are not objects.

openapi-python-client merges `allOf` members as object models, so
`allOf: [{$ref: Email}, {nullable: true}]` (a string plus an annotation) or
`allOf: [{$ref: Model}, {required: [...]}]` fails and drops the schema.

- Annotation-only members (`description`, `nullable`, `readOnly`, `example`,
  `required`, ...) are folded into the schema holding the `allOf`.
- If what remains is one non-object schema (a string, enum, array, ...), the
  `allOf` is replaced by a copy of it, plus the annotations.
- Inline object members that declare the same property as another inline
  member are merged into one member, so the generator does not build two
  models with the same name.
"""

from __future__ import annotations

import copy
from typing import Any

from ._walk import Path, Record, Visitor, resolve

NAME = "allof-non-objects"

_STRUCTURAL = {
    "$ref", "type", "properties", "additionalProperties", "items", "prefixItems", "allOf", "oneOf",
    "anyOf", "not", "enum", "const", "format", "pattern", "minimum", "maximum", "minLength",
    "maxLength", "minItems", "maxItems", "patternProperties",
}  # fmt: skip


def is_object_like(doc: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    target = resolve(doc, schema)
    if not isinstance(target, dict) or depth > 8:
        return False
    if target.get("type") == "object" or "properties" in target or "additionalProperties" in target:
        return True
    members = target.get("allOf")
    if isinstance(members, list) and members:
        return any(is_object_like(doc, m, depth + 1) for m in members)
    return False


def _annotation_only(member: Any) -> bool:
    return isinstance(member, dict) and not (set(member) & _STRUCTURAL)


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        members = schema.get("allOf")
        if not isinstance(members, list) or not members:
            return
        annotations: dict[str, Any] = {}
        structural: list[Any] = []
        for member in members:
            if _annotation_only(member):
                for key, value in member.items():
                    if key == "required" and isinstance(value, list):
                        annotations["required"] = sorted(set(annotations.get("required", [])) | set(value))
                    else:
                        annotations[key] = value
            else:
                structural.append(member)
        objects = [m for m in structural if is_object_like(doc, m)]
        if annotations:
            folded = sorted(annotations)
            if "required" in annotations:
                schema["required"] = sorted(set(schema.get("required", [])) | set(annotations.pop("required")))
            for key, value in annotations.items():
                schema.setdefault(key, value)
            record((*path, "allOf"), f"folded annotation-only allOf members {folded} into the schema")
        if len(objects) == len(structural):
            if annotations or len(structural) != len(members):
                schema["allOf"] = structural
                if not structural:
                    del schema["allOf"]
            _merge_clashing_inline_members(doc, schema, path, record)
            return
        if len(structural) == 1:
            target = copy.deepcopy(resolve(doc, structural[0]))
            del schema["allOf"]
            for key, value in target.items():
                schema.setdefault(key, value)
            what = structural[0].get("$ref", "inline schema") if isinstance(structural[0], dict) else "schema"
            record((*path, "allOf"), f"allOf over a non-object ({what}) replaced by a copy of it")
            return
        record((*path, "allOf"), "allOf mixes object and non-object members: left as is")

    return visit


def _merge_clashing_inline_members(doc: dict[str, Any], schema: dict[str, Any], path: Path, record: Record) -> None:
    """Members (and the schema's own properties) that declare the same property are merged into one.

    A referenced member that clashes is merged as a copy of its target.
    """
    members: list[Any] = list(schema.get("allOf") or [])
    own: dict[str, Any] = {}
    if isinstance(schema.get("properties"), dict):
        own = {"properties": schema["properties"]}
        if isinstance(schema.get("required"), list):
            own["required"] = schema["required"]
    candidates = [*members, own] if own else members
    owners: dict[str, list[int]] = {}
    for i, member in enumerate(candidates):
        target = resolve(doc, member)
        if isinstance(target, dict) and isinstance(target.get("properties"), dict):
            for name in target["properties"]:
                owners.setdefault(name, []).append(i)
    clashing = sorted({i for idx in owners.values() if len(idx) > 1 for i in idx})
    if not clashing:
        return
    merged: dict[str, Any] = {"type": "object"}
    for i in clashing:
        target = resolve(doc, candidates[i])
        merged = deep_merge(merged, {k: v for k, v in target.items() if k in ("properties", "required")})
    kept = [m for i, m in enumerate(members) if i not in clashing]
    kept.insert(min(clashing[0], len(kept)), merged)
    schema["allOf"] = kept
    if own and len(candidates) - 1 in clashing:
        schema.pop("properties", None)
        schema.pop("required", None)
    names = sorted(n for n, idx in owners.items() if len(idx) > 1)
    record((*path, "allOf"), f"merged allOf members that declare the same properties {names}")


def deep_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Merge schema b into a copy of a: properties recursively, required as a union, b wins otherwise."""
    out = copy.deepcopy(a)
    for key, value in b.items():
        if key == "properties" and isinstance(value, dict) and isinstance(out.get(key), dict):
            props = out[key]
            for name, sub in value.items():
                if isinstance(props.get(name), dict) and isinstance(sub, dict) and "$ref" not in sub:
                    props[name] = deep_merge(props[name], sub)
                else:
                    props[name] = copy.deepcopy(sub)
        elif key == "required" and isinstance(value, list):
            out[key] = sorted(set(out.get(key, [])) | set(value))
        else:
            out[key] = copy.deepcopy(value)
    return out

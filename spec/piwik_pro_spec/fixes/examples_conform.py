"""Make schemas accept the doc's own JSON examples: the examples show what the API sends.

For every JSON example (media `example` and `examples{}.value`, requests and
responses, and object/array/null examples written on schemas, which mocks
answer with), walk the example beside its schema and repair the schema where
they disagree:
- a `required` property the example leaves out is no longer required;
- a `null` where the schema does not allow it makes the schema `nullable`;
- a value missing from an `enum` is added to it;
- an integer schema given a fractional number becomes `number`;
- a property the example has but a closed object (`additionalProperties:
  false`) does not declare is declared, with the type of the example value.
Values of a map (`additionalProperties: {schema}`) are walked against that
schema. A scalar schema example that contradicts its schema is removed.
`$ref`s are followed (the referenced schema is repaired: the API sends the
same thing wherever it is used); for `oneOf`/`anyOf` the member the example
matches best (by single-value enums such as `type: [tag]`, then by shared
property names) is the one repaired.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, deref, operations, walk_all_schemas
from .parameter_examples import fits

NAME = "examples-conform"

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _is_json(media: str) -> bool:
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def _examples(doc: dict[str, Any], content: Any) -> list[Any]:
    out: list[Any] = []
    if not isinstance(content, dict):
        return out
    for media, media_obj in content.items():
        if not (_is_json(media) and isinstance(media_obj, dict)):
            continue
        if "example" in media_obj:
            out.append(media_obj["example"])
        for entry in (media_obj.get("examples") or {}).values():
            entry, _ = deref(doc, entry, ())
            if isinstance(entry, dict) and "value" in entry:
                out.append(entry["value"])
    return out


def _object_props(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    props: dict[str, Any] = dict(schema.get("properties") or {})
    if depth < 8:
        for member in schema.get("allOf") or []:
            target, _ = deref(doc, member, ())
            if isinstance(target, dict):
                props.update(_object_props(doc, target, depth + 1))
    return props


def _score(doc: dict[str, Any], member: dict[str, Any], example: Any, depth: int = 0) -> int:
    nested = [*(member.get("oneOf") or []), *(member.get("anyOf") or [])]
    if nested and depth < 8:
        return max(_score(doc, deref(doc, m, ())[0] or {}, example, depth + 1) for m in nested)
    kind = member.get("type")
    if not isinstance(example, dict):
        expected = _JSON_TYPES.get(type(example))
        if example is None:
            return 1 if member.get("nullable") else 0
        if kind == expected or (kind == "number" and expected == "integer"):
            return 2
        return 0 if kind else 1
    if kind not in (None, "object"):
        return -1000
    props = _object_props(doc, member)
    score = 0
    for key, value in example.items():
        sub, _ = deref(doc, props.get(key), ())
        if isinstance(sub, dict) and isinstance(sub.get("enum"), list) and len(sub["enum"]) == 1:
            score += 10 if value in sub["enum"] else -100
        elif isinstance(sub, dict) and isinstance(value, dict) and depth < 8:
            score += _score(doc, sub, value, depth + 1)  # discriminators sit deep: data.attributes.type
        score += 1 if key in props else 0
    return score


class _Conformer:
    def __init__(self, doc: dict[str, Any], record: Record) -> None:
        self.doc = doc
        self.record = record

    def walk(self, node: Any, path: Path, example: Any, depth: int = 0) -> None:
        schema, path = deref(self.doc, node, path)
        if not isinstance(schema, dict) or depth > 40:
            return
        if example is None:
            if not schema.get("nullable") and schema and schema.get("type") != "null":
                schema["nullable"] = True
                self.record(path, "example has null here: nullable")
            return
        if self._widen(schema, path, example):
            return
        for i, member in enumerate(schema.get("allOf") or []):
            self.walk(member, (*path, "allOf", i), example, depth + 1)
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if isinstance(members, list) and members:
                scored = [
                    (_score(self.doc, deref(self.doc, m, ())[0] or {}, example), -i) for i, m in enumerate(members)
                ]
                _, best = max(scored)
                self.walk(members[-best], (*path, key, -best), example, depth + 1)
        enum = schema.get("enum")
        if isinstance(enum, list) and example not in enum and not isinstance(example, dict | list):
            enum.append(example)
            self.record((*path, "enum"), f"example value {example!r} added to the enum")
        kind = schema.get("type")
        if kind == "integer" and isinstance(example, float) and not example.is_integer():
            schema["type"] = "number"
            self.record((*path, "type"), "example has a fractional number: integer -> number")
        if isinstance(example, dict):
            self._object(schema, path, example, depth)
        elif isinstance(example, list) and isinstance(schema.get("items"), dict):
            for item in example:
                self.walk(schema["items"], (*path, "items"), item, depth + 1)

    def _widen(self, schema: dict[str, Any], path: Path, example: Any) -> bool:
        """If no type the schema allows fits the example's JSON type, allow that type too. True if widened."""
        got = _JSON_TYPES.get(type(example))
        if got is None:
            return False
        members = [*(schema.get("oneOf") or []), *(schema.get("anyOf") or [])]
        if members:
            kinds = [_type_of(self.doc, m) for m in members]
            if any(k is None or _fits(k, got) for k in kinds):
                return False
            key = "oneOf" if schema.get("oneOf") else "anyOf"
            schema[key].append(_schema_of(example))
            self.record((*path, key), f"example has a {got} here: added a {got} member")
            return True
        kind = schema.get("type")
        if not isinstance(kind, str) or _fits(kind, got) or schema.get("allOf"):
            return False
        old = {k: v for k, v in schema.items() if k not in ("description", "title", "nullable")}
        for k in old:
            del schema[k]
        # an empty object member goes last, as union-order puts it (the generator tries members in order)
        catch_all = old.get("type") == "object" and not old.get("properties") and not old.get("additionalProperties")
        schema["anyOf"] = [_schema_of(example), old] if catch_all else [old, _schema_of(example)]
        self.record(path, f"example has a {got} where the schema says {kind}: anyOf [{kind}, {got}]")
        return True

    def _object(self, schema: dict[str, Any], path: Path, example: dict[str, Any], depth: int) -> None:
        required = schema.get("required")
        if isinstance(required, list):
            missing = [name for name in required if name not in example]
            if missing:
                schema["required"] = [name for name in required if name in example]
                if not schema["required"]:
                    del schema["required"]
                self.record((*path, "required"), f"example leaves out {missing}: not required")
        props = schema.get("properties")
        if isinstance(props, dict):
            for key, value in example.items():
                if key in props:
                    self.walk(props[key], (*path, "properties", key), value, depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):  # a map: every undeclared key's value is an instance of it
            for key, value in example.items():
                if not (isinstance(props, dict) and key in props):
                    self.walk(extra, (*path, "additionalProperties"), value, depth + 1)
        if schema.get("additionalProperties") is False and isinstance(props, dict):
            known = _object_props(self.doc, schema)
            for key, value in example.items():
                if key not in known:
                    props[key] = _schema_of(value)
                    self.record((*path, "properties", key), f"example has undeclared property {key!r}: declared")


def _fits(kind: str, got: str) -> bool:
    # integer vs a fractional number is repaired as integer -> number, not widened to a union
    return kind == got or {kind, got} == {"number", "integer"}


def _type_of(doc: dict[str, Any], member: Any) -> str | None:
    target, _ = deref(doc, member, ())
    if not isinstance(target, dict):
        return None
    kind = target.get("type")
    if kind is None and (target.get("properties") or target.get("allOf")):
        return "object"
    if target.get("oneOf") or target.get("anyOf"):
        return None  # a nested union: do not judge
    return kind if isinstance(kind, str) else None


def _schema_of(value: Any) -> dict[str, Any]:
    """The loosest schema that says what JSON type a value has."""
    if value is None:
        return {}
    kind = _JSON_TYPES.get(type(value), "object")
    return {"type": "array", "items": {}} if kind == "array" else {"type": kind}


def _schema_examples(doc: dict[str, Any], conformer: _Conformer, record: Record) -> None:
    """Examples written on schemas (`schema.example`): mocks answer with them, so they must fit too.

    An object or array example (a whole answer, a row) or a `null` shows what
    the API sends: the schema is repaired as for media examples. A scalar that
    contradicts its schema (`["first"]` for a string enum, `1` for a string) is
    an illustration gone wrong, not the API: it is removed.
    """
    found: list[tuple[dict[str, Any], Path]] = []
    walk_all_schemas(doc, lambda schema, path: found.append((schema, path)) if "example" in schema else None)
    for schema, path in found:
        if "example" not in schema or "parameters" in path:  # parameter examples: see parameter-examples
            continue
        example = schema["example"]
        if example is None or (isinstance(example, dict | list) and _type_of(doc, schema) in ("object", "array")):
            conformer.walk(schema, path, example)
        elif not fits(doc, schema, example):
            del schema["example"]
            record((*path, "example"), f"schema example {example!r} does not fit its schema: removed")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    conformer = _Conformer(doc, record)
    _schema_examples(doc, conformer, record)
    for path, method, op in operations(doc):
        base: Path = ("paths", path, method)
        holders: list[tuple[Any, Path]] = [(op.get("requestBody"), (*base, "requestBody"))]
        holders += [(r, (*base, "responses", s)) for s, r in (op.get("responses") or {}).items()]
        for holder, hpath in holders:
            holder, hpath = deref(doc, holder, hpath)
            content = holder.get("content") if isinstance(holder, dict) else None
            if not isinstance(content, dict):
                continue
            for media, media_obj in content.items():
                if not (_is_json(media) and isinstance(media_obj, dict) and "schema" in media_obj):
                    continue
                for example in _examples(doc, {media: media_obj}):
                    conformer.walk(media_obj["schema"], (*hpath, "content", media, "schema"), example)

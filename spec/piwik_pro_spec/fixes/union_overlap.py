"""`oneOf` whose members can match the same value becomes `anyOf`.

`oneOf` means "exactly one member matches". The docs use it for "one of these
shapes" even where the shapes overlap: `[{format: date}, {format: datetime}]`
(an unknown format matches every string), `[string, string/date-time]`, or
several object variants none of which excludes the others. A strict validator
(Prism, any JSON Schema tool) then rejects every value that fits more than one
member, i.e. the doc's own examples. `anyOf` says what the doc means. The
generator makes the same union of either, so the client does not change.

Two members are judged disjoint (and the `oneOf` kept) only when a value
cannot fit both: different JSON types, non-overlapping enums, different
standard string formats, or object variants told apart by a property both
require with non-overlapping enums (a discriminator). Anything else counts as
overlapping.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, Visitor, resolve

NAME = "union-overlap"

# Formats a validator checks (ajv-formats); two different ones never match the same string.
_STANDARD_FORMATS = frozenset(("date", "date-time", "time", "uuid", "email", "ipv4", "ipv6", "uri", "hostname"))
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _types(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> set[str] | None:
    """The JSON types a schema admits; None when it admits any."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    if isinstance(schema.get("enum"), list):
        return {_JSON_TYPES.get(type(v), "null") for v in schema["enum"]}
    if schema.get("properties") or schema.get("required"):
        return {"object"}
    members = [*(schema.get("oneOf") or []), *(schema.get("anyOf") or []), *(schema.get("allOf") or [])]
    if members and depth < 8:
        out: set[str] = set()
        for m in members:
            sub = _types(doc, resolve(doc, m) or {}, depth + 1)
            if sub is None:
                return None
            out |= sub
        return out
    return None


def _overlap_types(a: set[str], b: set[str]) -> bool:
    widen = {"integer": {"integer", "number"}, "number": {"integer", "number"}}
    return any(widen.get(k, {k}) & b for k in a)


def _props(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> tuple[dict[str, Any], set[str]]:
    props: dict[str, Any] = dict(schema.get("properties") or {})
    required = {r for r in schema.get("required") or [] if isinstance(r, str)}
    if depth < 8:
        for m in schema.get("allOf") or []:
            sub = resolve(doc, m)
            if isinstance(sub, dict):
                p, r = _props(doc, sub, depth + 1)
                props.update(p)
                required |= r
    return props, required


def _values(doc: dict[str, Any], schema: Any) -> list[Any] | None:
    schema = resolve(doc, schema)
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return enum if isinstance(enum, list) else None


def disjoint(doc: dict[str, Any], a: Any, b: Any, depth: int = 0) -> bool:
    """True when no value can match both schemas (judged conservatively)."""
    a, b = resolve(doc, a), resolve(doc, b)
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    ta, tb = _types(doc, a), _types(doc, b)
    if ta is not None and tb is not None and not _overlap_types(ta, tb):
        return True
    va, vb = _values(doc, a), _values(doc, b)
    if va is not None and vb is not None and not any(v in vb for v in va):
        return True
    fa, fb = a.get("format"), b.get("format")
    if fa != fb and fa in _STANDARD_FORMATS and fb in _STANDARD_FORMATS:
        return True
    if depth < 4 and (ta == {"object"} or tb == {"object"}):
        pa, ra = _props(doc, a)
        pb, rb = _props(doc, b)
        for name in ra & rb:
            if name in pa and name in pb and disjoint(doc, pa[name], pb[name], depth + 1):
                return True
    return False


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        members = schema.get("oneOf")
        if not isinstance(members, list) or len(members) < 2 or schema.get("discriminator"):
            return
        pairs = [(i, j) for i in range(len(members)) for j in range(i + 1, len(members))]
        clash = next(((i, j) for i, j in pairs if not disjoint(doc, members[i], members[j])), None)
        if clash is None:
            return
        if "anyOf" in schema:  # both present: keep the doc's anyOf and require one of the former oneOf too
            schema.setdefault("allOf", []).append({"anyOf": schema.pop("oneOf")})
        else:
            schema["anyOf"] = schema.pop("oneOf")
        record((*path, "oneOf"), f"members {clash[0]} and {clash[1]} can match the same value: oneOf -> anyOf")

    return visit

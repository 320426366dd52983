"""Parameter examples that do not fit their own schema.

Mocks (Prism), the sandbox and the contract check send a parameter's example
as the value; an example its own schema rejects (a UUID one digit short, an
enum value the enum lacks) makes every such request invalid. The schema is
the contract for what may be sent, so:
- a scalar parameter whose example is a comma-separated list of values that
  each fit the schema ("Comma separated list of UUIDs") is a list: its schema
  says so with a `pattern` of comma-separated items (the wire format stays
  one string, which the client sends as it is);
- any other example that fails its schema is removed (recorded).
Examples are looked for in `example`, `examples{}.value` and `schema.example`.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Path, Record, operations, resolve

NAME = "parameter-examples"

_FORMATS = {
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "date": r"\d{4}-\d{2}-\d{2}",
}
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def fits(doc: dict[str, Any], schema: Any, value: Any) -> bool:
    """Whether `value` fits `schema` by type, enum, standard format and items (unknown keywords pass)."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict):
        return True
    if value is None:
        return bool(schema.get("nullable")) or "type" not in schema
    for key in ("oneOf", "anyOf"):
        members = schema.get(key)
        if isinstance(members, list) and members and not any(fits(doc, m, value) for m in members):
            return False
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        if isinstance(value, bool) and kind != "boolean":
            return False
        if not isinstance(value, _TYPES[kind]):
            return False
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        return False
    pattern = _FORMATS.get(str(schema.get("format")))
    if isinstance(value, str) and pattern and not re.fullmatch(pattern, value):
        return False
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return all(fits(doc, schema["items"], item) for item in value)
    return True


def _examples(param: dict[str, Any]) -> list[tuple[Path, Any]]:
    out: list[tuple[Path, Any]] = []
    if "example" in param:
        out.append((("example",), param["example"]))
    for name, entry in (param.get("examples") or {}).items():
        if isinstance(entry, dict) and "value" in entry:
            out.append((("examples", name), entry["value"]))
    schema = param.get("schema")
    if isinstance(schema, dict) and "example" in schema:
        out.append((("schema", "example"), schema["example"]))
    return out


def _delete(param: dict[str, Any], where: Path) -> None:
    if where == ("example",):
        del param["example"]
    elif where[0] == "examples":
        del param["examples"][where[1]]
        if not param["examples"]:
            del param["examples"]
    else:
        del param["schema"]["example"]


def _as_list(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    """A comma-separated list example under a scalar string schema: make the schema say list. True if done."""
    if not (isinstance(value, str) and "," in value and schema.get("type") == "string"):
        return False
    parts = value.split(",")
    if not all(fits(doc, schema, part.strip()) for part in parts):
        return False
    item = _FORMATS.get(str(schema.get("format")))
    if item is None:
        return False
    del schema["format"]
    schema["pattern"] = rf"^{item}(,{item})*$"
    return True


def _fix(doc: dict[str, Any], param: Any, path: Path, record: Record) -> None:
    if not isinstance(param, dict) or "$ref" in param or not isinstance(param.get("schema"), dict):
        return
    schema = param["schema"]
    for where, value in _examples(param):
        if fits(doc, schema, value):
            continue
        if _as_list(doc, schema, value):
            record((*path, "schema"), f"{param.get('name')!r} example is a comma-separated list: schema says so")
            continue
        _delete(param, where)
        record((*path, *where), f"{param.get('name')!r} example {value!r} does not fit its schema: removed")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    for name, param in ((doc.get("components") or {}).get("parameters") or {}).items():
        _fix(doc, param, ("components", "parameters", name), record)
    for path, item in (doc.get("paths") or {}).items():
        for i, param in enumerate(item.get("parameters") or [] if isinstance(item, dict) else []):
            _fix(doc, param, ("paths", path, "parameters", i), record)
    for path, method, op in operations(doc):
        for i, param in enumerate(op.get("parameters") or []):
            _fix(doc, param, ("paths", path, method, "parameters", i), record)

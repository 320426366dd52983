"""Arguments for an operation, from the doc's examples or, failing that, its schemas.

`example_value` prefers what the doc's authors wrote (parameter `example` /
`examples`, media-type examples, schema `example`/`default`); `synthesize`
builds a deterministic minimal valid value from a JSON schema where the doc
has none. `to_python` turns the JSON value into what the generated function's
annotation asks for (enums, datetimes, UUIDs, models via `from_dict`, ...).
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import types
import typing
import uuid
from collections.abc import Mapping
from typing import Any

_MAX_DEPTH = 12


class Doc:
    """A fixed OpenAPI 3 doc with local `$ref` resolution."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"non-local $ref {ref!r}")
            target: Any = self.doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref cycle at {ref!r}")
        return node

    def path_key(self, path: str) -> str:
        """The doc's key for `path`; placeholder names may differ (`{userId}` vs `{user_id}`)."""
        paths = self.doc["paths"]
        if path in paths:
            return path
        shape = re.sub(r"\{[^}]*\}", "{}", path)
        matches = [k for k in paths if re.sub(r"\{[^}]*\}", "{}", k) == shape]
        if len(matches) != 1:
            raise KeyError(f"path {path!r} is not in the doc ({len(matches)} templates of the same shape)")
        return matches[0]

    def operation(self, method: str, path: str) -> dict[str, Any]:
        item = self.resolve(self.doc["paths"][self.path_key(path)])
        return self.resolve(item[method.lower()])

    def parameters(self, method: str, path: str) -> list[dict[str, Any]]:
        """Path-item and operation parameters, the operation's winning on (name, in)."""
        item = self.resolve(self.doc["paths"][self.path_key(path)])
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*item.get("parameters", []), *self.operation(method, path).get("parameters", [])]:
            p = self.resolve(raw)
            merged[(p["name"], p["in"])] = p
        return list(merged.values())


_NO_EXAMPLE = object()


def _first_example(doc: Doc, node: Mapping[str, Any]) -> Any:
    if "example" in node:
        return node["example"]
    examples = node.get("examples")
    if isinstance(examples, Mapping):
        for ex in examples.values():
            ex = doc.resolve(ex)
            if isinstance(ex, Mapping) and "value" in ex:
                return ex["value"]
    return _NO_EXAMPLE


def example_value(doc: Doc, node: Mapping[str, Any]) -> tuple[Any, str]:
    """Value for a parameter or media type object, and where it came from ("example" or "schema")."""
    value = _first_example(doc, node)
    if value is not _NO_EXAMPLE:
        return value, "example"
    schema = doc.resolve(node.get("schema", {}))
    value = _schema_example(doc, schema)
    if value is not _NO_EXAMPLE:
        return value, "example"
    return synthesize(doc, schema), "schema"


def _schema_example(doc: Doc, schema: Mapping[str, Any]) -> Any:
    schema = doc.resolve(schema)
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return _NO_EXAMPLE


def _merge_all_of(doc: Doc, schema: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema.get("allOf", []):
        part = _merge_all_of(doc, doc.resolve(part))
        for key, value in part.items():
            if key == "properties":
                merged.setdefault("properties", {}).update(value)
            elif key == "required":
                merged["required"] = sorted({*merged.get("required", []), *value})
            else:
                merged.setdefault(key, value)
    return merged


_FORMATS: dict[str, Any] = {
    "uuid": "00000000-0000-4000-8000-000000000001",
    "date-time": "2025-01-15T12:00:00Z",
    "date": "2025-01-15",
    "time": "12:00:00",
    "email": "contract@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}


def synthesize(doc: Doc, schema: Any, depth: int = 0, examples: bool = True) -> Any:
    """A deterministic, minimal value that satisfies `schema` (required fields only).

    `examples=False` ignores the schemas' own `example`s (used when one of them proved wrong).
    """
    schema = doc.resolve(schema)
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return None
    if "allOf" in schema:
        schema = _merge_all_of(doc, schema)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        non_null = [v for v in schema["enum"] if v is not None]
        return non_null[0] if non_null else None
    example = _schema_example(doc, schema) if examples else _NO_EXAMPLE
    if example is not _NO_EXAMPLE:
        return example
    if "default" in schema:
        return schema["default"]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            options = [doc.resolve(o) for o in schema[key]]
            options = [o for o in options if o.get("type") != "null"] or options
            return synthesize(doc, options[0], depth + 1, examples)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else None
    if kind == "object":
        props = schema.get("properties", {})
        out = {name: synthesize(doc, props.get(name, {}), depth + 1, examples) for name in schema.get("required", [])}
        min_props = schema.get("minProperties", 0)
        extra = schema.get("additionalProperties")
        if len(out) < min_props:
            for name, sub in props.items():
                if len(out) >= min_props:
                    break
                out.setdefault(name, synthesize(doc, sub, depth + 1, examples))
            if len(out) < min_props and isinstance(extra, Mapping):
                out.update(
                    {f"key{i}": synthesize(doc, extra, depth + 1, examples) for i in range(min_props - len(out))}
                )
        return out
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        items = schema.get("items", {})
        if schema.get("uniqueItems") and count > 1:
            return [_distinct(synthesize(doc, items, depth + 1, examples), i) for i in range(count)]
        return [synthesize(doc, items, depth + 1, examples) for _ in range(count)]
    if kind in ("integer", "number"):
        value: float = schema.get("minimum", 1)
        if schema.get("exclusiveMinimum") is True:
            value += 1
        elif isinstance(schema.get("exclusiveMinimum"), (int, float)):
            value = schema["exclusiveMinimum"] + 1
        if "maximum" in schema and value > schema["maximum"]:
            value = schema["maximum"]
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "string":
        return _string(schema)
    return "contract" if kind is None else None


def _distinct(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return f"{value}{i}" if i else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value + i
    return value


def _string(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt in _FORMATS:
        return str(_FORMATS[fmt])
    if fmt in ("binary", "byte"):
        return "Y29udHJhY3Q=" if fmt == "byte" else "contract"
    text = "contract"
    pattern = schema.get("pattern")
    if pattern:
        text = _from_pattern(pattern) or text
    min_len, max_len = int(schema.get("minLength", 0)), schema.get("maxLength")
    if len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    if max_len is not None and len(text) > int(max_len):
        text = text[: int(max_len)]
    return text


_PATTERN_SAMPLES = [
    "contract",
    "abc",
    "a",
    "1",
    "2025-01-15",
    "#000000",
    "contract@example.com",
    "https://example.com/",
]


def _from_pattern(pattern: str) -> str | None:
    try:
        rx = re.compile(pattern)
    except re.error:
        return None
    return next((s for s in _PATTERN_SAMPLES if rx.search(s)), None)


# --- JSON value -> argument of the generated function -------------------------------------------


def _strip_optional(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return [a for a in typing.get_args(tp) if a is not type(None) and getattr(a, "__name__", "") != "Unset"]
    return [tp]


def _kind_matches(tp: Any, value: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    if isinstance(value, bool):
        return origin is bool
    if isinstance(value, list):
        return origin is list
    if isinstance(value, Mapping):
        return origin is dict or hasattr(origin, "from_dict")
    if isinstance(value, (int, float)):
        return origin in (int, float) or (isinstance(origin, type) and issubclass(origin, enum.Enum))
    if isinstance(value, str):
        return origin in (str, dt.datetime, dt.date, uuid.UUID) or (
            isinstance(origin, type) and (issubclass(origin, enum.Enum) or origin.__name__ == "File")
        )
    return True


def to_python(tp: Any, value: Any) -> Any:
    """Convert a JSON value into the type a generated function's annotation names."""
    if value is None:
        return None
    options = _strip_optional(tp)
    matching = [o for o in options if _kind_matches(o, value)] or options[:1]
    if len(matching) > 1:
        # A union (oneOf): the first member that takes the value, as the generated parser would pick.
        errors: list[Exception] = []
        for option in matching:
            try:
                return _convert(option, value)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                errors.append(exc)
        raise errors[0]
    return _convert(matching[0], value)


def _convert(chosen: Any, value: Any) -> Any:
    origin = typing.get_origin(chosen)
    if origin is list:
        (item_tp,) = typing.get_args(chosen) or (Any,)
        # An array example written in its serialized form ("a,b", style=form, explode=false) is split.
        values = value if isinstance(value, list) else value.split(",") if isinstance(value, str) else [value]
        return [to_python(item_tp, v) for v in values]
    if origin is dict or chosen is Any or chosen is object:
        return value
    if isinstance(chosen, type):
        if issubclass(chosen, enum.Enum):
            try:
                return chosen(value)
            except ValueError:
                return chosen(type(next(iter(chosen)).value)(value))
        if chosen is dt.datetime:
            from dateutil.parser import isoparse

            return isoparse(value)
        if chosen is dt.date:
            from dateutil.parser import isoparse

            return isoparse(value).date()
        if chosen is uuid.UUID:
            return uuid.UUID(str(value))
        if chosen.__name__ == "File":
            payload = value.encode() if isinstance(value, str) else bytes(value)
            return chosen(payload=io.BytesIO(payload), file_name="contract.txt")
        if hasattr(chosen, "from_dict"):
            return chosen.from_dict(value)
        if chosen is bool:
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if chosen in (int, float, str):
            return chosen(value)
    return value

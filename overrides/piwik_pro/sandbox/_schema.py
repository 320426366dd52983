"""OpenAPI schemas as JSON Schema: conversion, formats, and deterministic sample values."""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Any

from jsonschema import FormatChecker

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$")

# Bounds of a synthesised value (real docs need a few hundred values at most).
MAX_SAMPLE_NODES = 2000
MAX_SAMPLE_ITEMS = 10
MAX_SAMPLE_STRING = 1000

# Only formats whose violation a real server rejects; others (e.g. "IETF-language-tag") are informative.
FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


@FORMAT_CHECKER.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


@FORMAT_CHECKER.checks("ipv4")
def _is_ipv4(value: object) -> bool:
    # checked so that `oneOf: [ipv4, ipv6]` tells them apart, as Prism (ajv-formats) does
    return not isinstance(value, str) or _is_ip(value, ipaddress.IPv4Address)


@FORMAT_CHECKER.checks("ipv6")
def _is_ipv6(value: object) -> bool:
    return not isinstance(value, str) or _is_ip(value, ipaddress.IPv6Address)


def _is_ip(value: str, kind: type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address]) -> bool:
    try:
        kind(value)
    except ValueError:
        return False
    return True


@FORMAT_CHECKER.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@FORMAT_CHECKER.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


def to_json_schema(node: Any) -> Any:
    """Convert an OpenAPI 3.0 / Swagger 2 schema tree to JSON Schema 2020-12 (3.1 passes through).

    Handles `nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum` and Swagger's `type: file`.
    `oneOf` is checked as written: the spec fix union-overlap already turned the docs' overlapping
    alternatives (date or datetime, IPv4 or IPv6) into `anyOf`, as Prism reads them too.
    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items()}
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool) and out.pop(bound) and limit in out:
            out[bound] = out.pop(limit)
    if out.get("type") == "file":
        del out["type"]
    if out.get("nullable") is True:
        del out["nullable"]
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif kind is None:
            out = {"anyOf": [out, {"type": "null"}]}
    elif isinstance(out.get("nullable"), bool):
        del out["nullable"]
    return out


class Resolver:
    """Follows local `$ref`s ("#/components/...", "#/definitions/...") inside one doc."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}
            seen.add(ref)
            target: Any = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and part in target:
                    target = target[part]
                else:
                    return {}
            node = target
        return node

    def schema_type(self, schema: Any) -> str | None:
        """The primary JSON type a (possibly composed) schema describes, for coercing strings."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return None
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if isinstance(kind, str):
            return kind
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key) or []:
                found = self.schema_type(part)
                if found:
                    return found
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return None

    def sample(self, schema: Any, depth: int = 0, *, examples: bool = True) -> Any:
        """A deterministic value for `schema`: its example (unless `examples=False`), default or enum, else built.

        Bounded in depth, array length (MAX_SAMPLE_ITEMS) and size (MAX_SAMPLE_NODES values in all): schemas
        whose $refs fan out, or that ask for `minItems: 1e9`, give a truncated value, never seconds of work.
        """
        return self._sample(schema, depth, examples, [MAX_SAMPLE_NODES])

    def _sample(self, schema: Any, depth: int, examples: bool, budget: list[int]) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 24 or budget[0] <= 0:
            return None
        budget[0] -= 1
        if examples and "example" in schema:
            return schema["example"]
        if examples and isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if "default" in schema:
            return schema["default"]
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self._sample(part, depth + 1, examples, budget)
                if isinstance(value, dict):
                    merged.update(value)
                elif value is not None and not merged:
                    return value
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            extra = self._sample(rest, depth + 1, examples, budget) if rest.get("properties") else None
            if isinstance(extra, dict):
                merged.update(extra)
            return merged
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                options = [o for o in schema[key] if self.resolve(o).get("type") != "null"] or schema[key]
                return self._sample(options[0], depth + 1, examples, budget)
        kind = self.schema_type(schema)
        if kind == "object":
            props = schema.get("properties") or {}
            built: dict[str, Any] = {}
            for name, sub in props.items():
                if budget[0] <= 0:
                    break  # truncated: the schema fans out beyond MAX_SAMPLE_NODES
                built[name] = self._sample(sub, depth + 1, examples, budget)
            return built
        if kind == "array":
            count = min(max(1, _count(schema.get("minItems"), 1)), MAX_SAMPLE_ITEMS)
            return [self._sample(schema.get("items", {}), depth + 1, examples, budget) for _ in range(count)]
        if kind in ("integer", "number"):
            number: float = 1
            minimum, maximum = schema.get("minimum"), schema.get("maximum")
            if isinstance(minimum, (int, float)) and minimum > number:
                number = minimum
            if isinstance(maximum, (int, float)) and maximum < number:
                number = maximum
            return int(number) if kind == "integer" else float(number)
        if kind == "boolean":
            return True
        if kind == "string":
            return _sample_string(schema)
        return None


_FORMAT_SAMPLES = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "ipv4": "192.0.2.1",
}


def _count(value: Any, default: int) -> int:
    """A schema's count keyword (minItems, minLength) as an int; nonsense counts as `default`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        return default
    return int(value)


def _sample_string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_SAMPLES:
        return _FORMAT_SAMPLES[fmt]
    length = min(_count(schema.get("minLength"), 0), MAX_SAMPLE_STRING)
    text = "string"
    return text if len(text) >= length else text + "x" * (length - len(text))

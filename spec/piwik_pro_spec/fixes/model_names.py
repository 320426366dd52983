"""Give inline schemas titles that make their generated class names unique.

openapi-python-client names an inline model `<Parent><title or property>`; a
request body and a response of one operation (or two union members, or two
components) with the same `title` map to the same class name, and the
generator drops the second ("duplicate models"). This rule computes the names
the generator will give (same algorithm as openapi-python-client 0.29) and
retitles the later schema of each clash: `"<title> request"` inside a request
body, else `"<title> <n>"`. Enums with equal values may share a name (the
generator reuses them); enums with different values are retitled the same way.
"""

from __future__ import annotations

import builtins
import keyword
import re
from functools import lru_cache
from typing import Any

from ._walk import Path, Record, operations

NAME = "model-names"

_DELIMITERS = r"\. _-"
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def _sanitize(value: str) -> str:
    return "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)


def _split_words(value: str) -> list[str]:
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return re.findall(rf"[^{re.escape(_DELIMITERS)}]+", value)


@lru_cache(maxsize=65536)
def pascal_case(value: str) -> str:
    """openapi-python-client's strings.pascal_case."""
    return "".join(w.capitalize() if not w.isupper() else w for w in _split_words(_sanitize(value)))


@lru_cache(maxsize=65536)
def class_name(value: str) -> str:
    name = pascal_case(value)
    if name in _RESERVED or keyword.iskeyword(name):
        name += "_"
    return name


def _join(parent: str | None, name: str) -> str:
    """Class name of `name` inside class `parent`.

    `parent` is already PascalCase, which pascal_case leaves as is, so only
    the new part is converted (names get long: converting the whole string at
    every level made this rule quadratic).
    """
    if not parent:
        return class_name(name)
    joined = parent.rstrip("_") + pascal_case(name)
    return joined + "_" if joined in _RESERVED or keyword.iskeyword(joined) else joined


class _Namer:
    def __init__(self, record: Record) -> None:
        self.record = record
        self.models: dict[str, int] = {}  # class name -> id of the schema that owns it
        self.enums: dict[str, tuple[Any, ...]] = {}

    def _claim(self, schema: dict[str, Any], parent: str | None, name: str, path: Path, in_body: bool) -> str:
        title = schema.get("title") if isinstance(schema.get("title"), str) else None
        base = title or name
        cls = _join(parent, base)
        enum = tuple(schema["enum"]) if isinstance(schema.get("enum"), list) else None
        if self._free(cls, schema, enum):
            self._take(cls, schema, enum)
            return cls
        candidates = [f"{base} request"] if in_body else []
        candidates += [f"{base} {n}" for n in range(2, 1000)]
        for candidate in candidates:
            new_cls = _join(parent, candidate)
            if self._free(new_cls, schema, enum):
                schema["title"] = candidate
                self.record(path, f"title {base!r} -> {candidate!r}: class name {cls} was already taken")
                self._take(new_cls, schema, enum)
                return new_cls
        raise RuntimeError(f"no free class name for {cls}")  # pragma: no cover

    def _free(self, cls: str, schema: dict[str, Any], enum: tuple[Any, ...] | None) -> bool:
        if enum is not None:
            return cls not in self.models and self.enums.get(cls, enum) == enum
        return cls not in self.enums and self.models.get(cls, id(schema)) == id(schema)

    def _take(self, cls: str, schema: dict[str, Any], enum: tuple[Any, ...] | None) -> None:
        if enum is not None:
            self.enums[cls] = enum
        else:
            self.models[cls] = id(schema)

    def walk(self, schema: Any, name: str, parent: str | None, path: Path, in_body: bool) -> None:
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        unions = [*(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
        kind = schema.get("type")
        if unions:
            for i, member in enumerate(unions):
                key = "anyOf" if i < len(schema.get("anyOf") or []) else "oneOf"
                index = i if key == "anyOf" else i - len(schema.get("anyOf") or [])
                sub_title = member.get("title") if isinstance(member, dict) else None
                subscript = sub_title if sub_title and sub_title != schema.get("title") else f"type_{i}"
                self.walk(member, f"{name}_{subscript}", parent, (*path, key, index), in_body)
            return
        if schema.get("nullable") and kind in ("object", "array"):
            name = f"{name}_type_0"
        if isinstance(schema.get("enum"), list) and kind in ("string", "integer", None):
            self._claim(schema, parent, name, path, in_body)
            return
        if kind == "array":
            self.walk(schema.get("items"), f"{name}_item", parent, (*path, "items"), in_body)
            return
        if kind == "object" or schema.get("allOf") or (kind is None and schema.get("properties")):
            cls = self._claim(schema, parent, name, path, in_body)
            self._properties(schema, cls, path, in_body)
            for i, member in enumerate(schema.get("allOf") or []):
                if isinstance(member, dict) and "$ref" not in member:
                    self._properties(member, cls, (*path, "allOf", i), in_body)

    def _properties(self, schema: dict[str, Any], cls: str, path: Path, in_body: bool) -> None:
        props = schema.get("properties")
        if isinstance(props, dict):
            for prop, sub in props.items():
                self.walk(sub, prop, cls, (*path, "properties", prop), in_body)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            self.walk(extra, "additional_property", cls, (*path, "additionalProperties"), in_body)


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    namer = _Namer(record)
    schemas = (doc.get("components") or {}).get("schemas") or {}
    # Components first: the generator builds them before any endpoint.
    for name, schema in schemas.items():
        if isinstance(schema, dict) and "$ref" not in schema:
            title = schema.get("title") if isinstance(schema.get("title"), str) else None
            namer._take(class_name(title or name), schema, None)
    for name, schema in schemas.items():
        if isinstance(schema, dict):
            base = ("components", "schemas", name)
            for key, sub in (schema.get("properties") or {}).items():
                cls = class_name(schema.get("title") or name)
                namer.walk(sub, key, cls, (*base, "properties", key), False)
            for i, member in enumerate(schema.get("allOf") or []):
                if isinstance(member, dict) and "$ref" not in member:
                    cls = class_name(schema.get("title") or name)
                    for key, sub in (member.get("properties") or {}).items():
                        namer.walk(sub, key, cls, (*base, "allOf", i, "properties", key), False)
            for key in ("oneOf", "anyOf"):
                for i, member in enumerate(schema.get(key) or []):
                    sub_title = member.get("title") if isinstance(member, dict) else None
                    namer.walk(member, f"{name}_{sub_title or f'type_{i}'}", None, (*base, key, i), False)
            if schema.get("type") == "array":
                namer.walk(schema.get("items"), f"{name}_item", None, (*base, "items"), False)
    for path, method, op in operations(doc):
        endpoint = str(op.get("operationId") or f"{method}_{path}")
        base = ("paths", path, method)
        for i, param in enumerate(op.get("parameters") or []):
            if isinstance(param, dict) and isinstance(param.get("schema"), dict):
                namer.walk(param["schema"], str(param.get("name")), endpoint, (*base, "parameters", i, "schema"), False)
        # Responses first: on a clash the request body's schema is the one retitled ("... request").
        for status, response in (op.get("responses") or {}).items():
            if not isinstance(response, dict):
                continue
            for media, media_obj in (response.get("content") or {}).items():
                if isinstance(media_obj, dict):
                    rpath = (*base, "responses", status, "content", media, "schema")
                    namer.walk(media_obj.get("schema"), f"response_{status}", endpoint, rpath, False)
                break  # the generator reads the first usable media type only
        body = op.get("requestBody")
        if isinstance(body, dict):
            for media, media_obj in (body.get("content") or {}).items():
                if isinstance(media_obj, dict):
                    namer.walk(
                        media_obj.get("schema"),
                        "body",
                        endpoint,
                        (*base, "requestBody", "content", media, "schema"),
                        True,
                    )

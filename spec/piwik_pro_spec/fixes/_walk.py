"""Shared helpers for the fix rules: JSON pointers, operations, schema walking.

Rules work on a private copy of the doc (see `apply_fixes`), so they edit it in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Path = tuple[str | int, ...]
Record = Callable[[Path, str], None]
# A per-schema rule: called on every schema node, parents first (see walk_schema).
Visitor = Callable[[dict[str, Any], Path], None]


def pointer(path: Path) -> str:
    """JSON pointer (RFC 6901) for a path of keys and list indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve(doc: dict[str, Any], node: Any, limit: int = 16) -> Any:
    """Follow local `$ref`s (`#/...`) until a non-reference node; unknown refs give {}."""
    for _ in range(limit):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        ref: str = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = doc
        for token in ref[2:].split("/"):
            target = target.get(unescape(token)) if isinstance(target, dict) else None
            if target is None:
                return {}
        node = target
    return node


def deref(doc: dict[str, Any], node: Any, path: Path) -> tuple[Any, Path]:
    """Follow local `$ref`s from `node` (found at `path`); return the target and where it lives.

    A dangling reference gives `({}, path)`, so callers need not special-case it.
    """
    for _ in range(16):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return node, path
        target: Any = doc
        keys: list[str] = []
        for token in ref[2:].split("/"):
            key = unescape(token)
            target = target.get(key) if isinstance(target, dict) else None
            keys.append(key)
        if target is None:
            return {}, path
        node, path = target, tuple(keys)
    return node, path


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield path, method, op


_SCHEMA_DICTS = frozenset(("properties", "patternProperties"))
_SCHEMA_LISTS = frozenset(("allOf", "oneOf", "anyOf", "prefixItems"))
_SCHEMA_SINGLE = frozenset(("items", "additionalProperties", "not", "contains"))
_SUBSCHEMA_KEYS = _SCHEMA_DICTS | _SCHEMA_LISTS | _SCHEMA_SINGLE


def walk_schema(schema: Any, path: Path, visit: Callable[[dict[str, Any], Path], None]) -> None:
    """Call visit(schema, path) on `schema` and every sub-schema under it, parents first.

    `visit` may edit the node; children are read after it returns, in the
    node's key order (the 1.2 MB tags doc has ~9000 schema nodes: only keys
    present are looked at).
    """
    if not isinstance(schema, dict):
        return
    visit(schema, path)
    for key, sub in [(k, v) for k, v in schema.items() if k in _SUBSCHEMA_KEYS]:
        if key in _SCHEMA_DICTS:
            if isinstance(sub, dict):
                for name, child in sub.items():
                    walk_schema(child, (*path, key, name), visit)
        elif key in _SCHEMA_LISTS:
            if isinstance(sub, list):
                for i, child in enumerate(sub):
                    walk_schema(child, (*path, key, i), visit)
        elif isinstance(sub, dict):
            walk_schema(sub, (*path, key), visit)


def schema_roots(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Path]]:
    """Every top-level schema of an OpenAPI 3 doc: components, parameters, bodies, responses."""
    components = doc.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        if isinstance(schema, dict):
            yield schema, ("components", "schemas", name)
    for name, param in (components.get("parameters") or {}).items():
        if isinstance(param, dict) and isinstance(param.get("schema"), dict):
            yield param["schema"], ("components", "parameters", name, "schema")
    for section in ("responses", "requestBodies"):
        for name, holder in (components.get(section) or {}).items():
            yield from _content_schemas(holder, ("components", section, name))
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for i, param in enumerate(item.get("parameters") or []):
            if isinstance(param, dict) and isinstance(param.get("schema"), dict):
                yield param["schema"], ("paths", path, "parameters", i, "schema")
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            base: Path = ("paths", path, method)
            for i, param in enumerate(op.get("parameters") or []):
                if isinstance(param, dict) and isinstance(param.get("schema"), dict):
                    yield param["schema"], (*base, "parameters", i, "schema")
            yield from _content_schemas(op.get("requestBody"), (*base, "requestBody"))
            for status, response in (op.get("responses") or {}).items():
                yield from _content_schemas(response, (*base, "responses", status))


def _content_schemas(holder: Any, path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    if not isinstance(holder, dict):
        return
    content = holder.get("content")
    if not isinstance(content, dict):
        return
    for media, media_obj in content.items():
        if isinstance(media_obj, dict) and isinstance(media_obj.get("schema"), dict):
            yield media_obj["schema"], (*path, "content", media, "schema")


def walk_all_schemas(doc: dict[str, Any], visit: Callable[[dict[str, Any], Path], None]) -> None:
    """walk_schema over every schema root of the doc."""
    for schema, path in list(schema_roots(doc)):
        walk_schema(schema, path, visit)

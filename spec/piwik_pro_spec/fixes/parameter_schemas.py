"""Parameters written Swagger 2.0 style in an OpenAPI 3 doc get a `schema`.

`{name: offset, in: query, type: integer, default: 0}` has no `schema`, which
OpenAPI 3 requires (the generator skips the parameter, and every operation
using it). The type keywords move into `schema`.
"""

from __future__ import annotations

from typing import Any

from ._walk import Path, Record, operations

NAME = "parameter-schemas"

_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf", "nullable",
)  # fmt: skip


def _fix(param: Any, path: Path, record: Record) -> None:
    if not isinstance(param, dict) or "$ref" in param or "schema" in param or "content" in param:
        return
    schema = {key: param.pop(key) for key in _SCHEMA_KEYS if key in param}
    param["schema"] = schema or {"type": "string"}
    record(path, f"parameter {param.get('name')!r} without schema: schema {param['schema']}")


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    if str(doc.get("swagger", "")).startswith("2"):
        return
    for name, param in ((doc.get("components") or {}).get("parameters") or {}).items():
        _fix(param, ("components", "parameters", name), record)
    for path, item in (doc.get("paths") or {}).items():
        for i, param in enumerate(item.get("parameters") or [] if isinstance(item, dict) else []):
            _fix(param, ("paths", path, "parameters", i), record)
    for path, method, op in operations(doc):
        for i, param in enumerate(op.get("parameters") or []):
            _fix(param, ("paths", path, method, "parameters", i), record)

"""Order components/schemas so that a schema comes after the ones its `allOf`/`oneOf`/`anyOf` reference.

openapi-python-client builds `allOf` models in document order. When a model's
`allOf` references a schema defined later, the first attempt fails after
registering the model's inline sub-models, and the retry then fails on
"duplicate models", dropping the schema. Moving referenced schemas first (a
stable topological order; names and content unchanged) avoids that.
"""

from __future__ import annotations

from typing import Any

from ._walk import Record

NAME = "schema-order"

_PREFIX = "#/components/schemas/"
_COMPOSITIONS = ("allOf", "oneOf", "anyOf")


def _allof_refs(node: Any, out: list[str], in_allof: bool = False) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if in_allof and isinstance(ref, str) and ref.startswith(_PREFIX):
            out.append(ref[len(_PREFIX) :])
        for key, value in node.items():
            if key in ("example", "examples", "default", "enum"):
                continue
            _allof_refs(value, out, in_allof or key in _COMPOSITIONS)
    elif isinstance(node, list):
        for value in node:
            _allof_refs(value, out, in_allof)


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    schemas = (doc.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict) or len(schemas) < 2:
        return
    deps: dict[str, list[str]] = {}
    for name, schema in schemas.items():
        refs: list[str] = []
        _allof_refs(schema, refs)
        deps[name] = [r for r in refs if r in schemas and r != name]
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(name: str) -> None:
        if state.get(name):
            return  # done, or a cycle: keep document order
        state[name] = 1
        for dep in deps[name]:
            visit(dep)
        state[name] = 2
        order.append(name)

    for name in schemas:
        visit(name)
    if order != list(schemas):
        moved = [n for i, n in enumerate(order) if list(schemas)[i] != n]
        doc["components"]["schemas"] = {name: schemas[name] for name in order}
        record(("components", "schemas"), f"reordered so composition targets come first ({len(moved)} moved)")

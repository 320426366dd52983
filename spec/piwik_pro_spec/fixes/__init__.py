"""Spec fixes: general rules that repair a class of doc defect wherever it occurs.

`apply_fixes(package, doc)` returns a repaired copy of the doc and the list of
every fix that fired (rule, JSON pointer, one-line detail). It is pure and
deterministic: the input is never mutated and the same doc always gives the
same output.

Each rule is one module with `NAME` and either `apply(doc, package, record)`
(whole-doc rules) or `visitor(doc, package, record)` returning a function that
is called on every schema node; consecutive visitor rules share one walk over
the doc (the tags doc is 1.2 MB). Rules edit the private copy in place and call
`record(path, detail)` for each change.
Order matters: Swagger 2.0 is converted first, names come last so they see
the repaired operations. Per-doc data patches (fixes/patches/) run after the
general rules, for the few defects no rule describes.
"""

from __future__ import annotations

import copy
import marshal
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from . import (
    allof_non_objects,
    array_items,
    content_keys,
    enum_values,
    examples_conform,
    invalid_types,
    jsonapi_bodies,
    jsonapi_media,
    jsonapi_responses,
    merge_models,
    model_names,
    multipart_files,
    ndjson_streams,
    nullable_unions,
    operation_ids,
    parameter_examples,
    parameter_schemas,
    patches,
    path_params,
    prose_controls,
    required_undeclared,
    response_refs,
    schema_order,
    single_member_unions,
    swagger2,
    union_discriminators,
    union_member_types,
    union_order,
    union_overlap,
)
from ._walk import Path, Record, Visitor, pointer, walk_all_schemas

__all__ = ["RULES", "AppliedFix", "FixResult", "apply_fixes"]

# Applied in this order.
RULES: tuple[ModuleType, ...] = (
    swagger2,
    prose_controls,
    content_keys,
    invalid_types,
    union_member_types,
    response_refs,
    parameter_schemas,
    path_params,
    array_items,
    enum_values,
    nullable_unions,
    single_member_unions,
    allof_non_objects,
    union_order,
    ndjson_streams,
    multipart_files,
    examples_conform,
    patches,
    union_discriminators,
    union_overlap,
    required_undeclared,
    parameter_examples,
    jsonapi_media,
    jsonapi_bodies,
    jsonapi_responses,
    operation_ids,
    merge_models,
    model_names,
    schema_order,
)


@dataclass(frozen=True)
class AppliedFix:
    rule: str  # rule name, e.g. "swagger2-to-openapi3"
    location: str  # JSON pointer into the doc, e.g. "/paths/~1api~1users/get"
    detail: str  # one line saying what was changed


@dataclass
class FixResult:
    doc: dict[str, Any]
    applied: list[AppliedFix] = field(default_factory=list)


def apply_fixes(package: str, doc: dict[str, Any]) -> FixResult:
    """Return a repaired deep copy of `doc` (never mutates the input)."""
    fixed = _copy(doc)
    applied: list[AppliedFix] = []

    def recorder(name: str) -> Record:
        def record(path: Path, detail: str) -> None:
            applied.append(AppliedFix(name, pointer(path), detail))

        return record

    batch: list[Visitor] = []
    for rule in RULES:
        if hasattr(rule, "visitor"):
            batch.append(rule.visitor(fixed, package, recorder(rule.NAME)))
            continue
        _walk_batch(fixed, batch)
        batch = []
        rule.apply(fixed, package, recorder(rule.NAME))
    _walk_batch(fixed, batch)
    return FixResult(doc=fixed, applied=applied)


def _copy(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy with no shared sub-objects (rules edit it in place).

    marshal format 2 (no back-references, so shared input objects become
    separate copies) is several times faster than copy.deepcopy or a JSON
    round trip on the 1.2 MB tags doc; anything marshal cannot hold falls back.
    """
    try:
        copied: dict[str, Any] = marshal.loads(marshal.dumps(doc, 2))
    except ValueError:
        copied = copy.deepcopy(doc)
    return copied


def _walk_batch(doc: dict[str, Any], visitors: list[Visitor]) -> None:
    if not visitors:
        return

    def visit(schema: dict[str, Any], path: Path) -> None:
        for v in visitors:
            v(schema, path)

    walk_all_schemas(doc, visit)

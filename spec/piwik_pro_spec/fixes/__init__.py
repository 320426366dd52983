"""Spec fixes: general rules that repair a class of doc defect wherever it occurs.

STUB: the real rules land here; the interface below is the contract the
pipeline and the sandbox rely on.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


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
    return FixResult(doc=copy.deepcopy(doc))

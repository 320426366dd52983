"""Load the docs as the client sees them: downloaded, parsed and fixed.

The sandbox and the contract tests use this, so they read the same docs
source as regenerate, never copies committed to the repo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .docjson import parse_doc
from .download import fetch_docs, resolve_source
from .fixes import apply_fixes
from .sources import DocSource, load_sources


def load_fixed_docs(source: str | None = None, only: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return {package: fixed OpenAPI 3 doc} for every doc in spec/sources.toml (or `only`)."""
    wanted = set(only) if only is not None else None
    docs: list[DocSource] = [d for d in load_sources() if wanted is None or d.package in wanted]
    raw = fetch_docs(docs, resolve_source(source))  # raises on a missing doc (missing_ok=False)
    return {package: apply_fixes(package, parse_doc(data or b"", package)).doc for package, data in raw.items()}

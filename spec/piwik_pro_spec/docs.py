"""Load the docs as the client sees them: downloaded, parsed and fixed.

The sandbox and the contract tests use this, so they read the same docs
source as regenerate, never copies committed to the repo.

A release need not have every doc `spec/sources.toml` lists (older releases
lack the webhooks and log docs): a doc the source lacks is reported once (a
`MissingDocsWarning`) and left out, so the tests, the sandbox and the contract
check run on what the release has. A doc found under one of its `former`
file names, or under another name by its paths (piwik_pro_spec.discover), is loaded as its package.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from .discover import default_reference, find_renamed
from .docjson import parse_doc
from .download import DownloadError, describe_source, fetch_docs, resolve_source
from .fixes import apply_fixes
from .sources import DocSource, load_sources


class MissingDocsWarning(UserWarning):
    """Docs that spec/sources.toml lists are not in this docs source; they are skipped."""


_reported: set[tuple[str | None, tuple[str, ...]]] = set()


def fetch_available(
    source: str | None = None, only: Iterable[str] | None = None
) -> tuple[dict[str, bytes], list[DocSource]]:
    """({package: raw bytes} of every doc the source has, [the docs it lacks]); the missing are reported once."""
    wanted = set(only) if only is not None else None
    every = load_sources()
    docs: list[DocSource] = [d for d in every if wanted is None or d.package in wanted]
    resolved = resolve_source(source)
    raw = fetch_docs(docs, resolved, missing_ok=True)
    # Under a name sources.toml does not list, a doc is found by its paths (as regenerate finds it).
    find_renamed(docs, resolved, raw, default_reference, every=every)
    missing = [d for d in docs if raw.get(d.package) is None]
    if docs and len(missing) == len(docs):
        raise DownloadError(
            f"none of the {len(docs)} doc(s) spec/sources.toml lists is in {describe_source(resolved)} "
            f"(looked for {docs[0].file}, ...). Point --source (or PIWIK_PRO_DOCS_SOURCE) at the exported docs."
        )
    report_missing(resolved, missing)
    return {p: data for p, data in raw.items() if data is not None}, missing


def report_missing(source: str | None, missing: list[DocSource]) -> None:
    """Warn once per source about docs it lacks (naming them and what happens)."""
    key = (source, tuple(d.package for d in missing))
    if not missing or key in _reported:
        return
    _reported.add(key)
    names = ", ".join(f"{d.package} ({d.file})" for d in missing)
    warnings.warn(
        f"{len(missing)} doc(s) listed in spec/sources.toml are not in {describe_source(source)}: {names}. "
        "They are skipped (no sandbox routes, no tests for them).",
        MissingDocsWarning,
        stacklevel=2,
    )


def load_fixed_docs(source: str | None = None, only: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return {package: fixed OpenAPI 3 doc} for every doc in spec/sources.toml (or `only`) the source has."""
    raw, _ = fetch_available(source, only)
    return {package: apply_fixes(package, parse_doc(data, package)).doc for package, data in raw.items()}

"""A release with docs missing and a doc under its former file name runs: docs, sandbox CLI, change report.

The variation is built in a temp folder from PIWIK_PRO_DOCS_SOURCE (never committed): two docs
removed and `cdp_activations` published under its former file name, as older releases do.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from . import build_variation

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(120)


def _sources() -> dict[str, object]:
    from piwik_pro_spec.sources import load_sources

    return {s.package: s for s in load_sources()}


@pytest.fixture(scope="module")
def variation(docs_source: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    """(folder, packages removed, package renamed to its former file name)."""
    if docs_source.startswith(("http://", "https://")):
        pytest.skip("variations are built from a docs folder")
    sources = _sources()
    present = [p for p, s in sources.items() if (Path(docs_source) / s.file).exists()]  # type: ignore[attr-defined]
    renamed = next((p for p in present if sources[p].former), None)  # type: ignore[attr-defined]
    if renamed is None or len(present) < 4:
        pytest.skip("this release has no doc with a former file name to rename")
    removed = [p for p in sorted(present, reverse=True) if p not in ("users", renamed)][:2]
    target = tmp_path_factory.mktemp("release")
    build_variation(
        Path(docs_source),
        target,
        remove=[sources[p].file for p in removed],  # type: ignore[attr-defined]
        rename={sources[renamed].file: sources[renamed].former[0]},  # type: ignore[attr-defined]
    )
    return target, removed, renamed


def test_missing_docs_are_reported_once_and_skipped(variation: tuple[Path, list[str], str]) -> None:
    from piwik_pro_spec.docs import MissingDocsWarning, load_fixed_docs

    folder, removed, renamed = variation
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = load_fixed_docs(str(folder))
        again = load_fixed_docs(str(folder), only=list(docs))
    reported = [w for w in caught if issubclass(w.category, MissingDocsWarning)]
    assert len(reported) == 1, [str(w.message) for w in caught]
    assert all(p in str(reported[0].message) for p in removed)
    assert not set(removed) & set(docs) and renamed in docs and set(again) == set(docs)
    assert docs[renamed].get("paths"), "the doc read under its former name is a full doc"


def test_sandbox_cli_serves_a_release_without_some_docs(variation: tuple[Path, list[str], str]) -> None:
    folder, removed, _ = variation
    process = subprocess.Popen(
        [sys.executable, "-m", "piwik_pro.sandbox", "--docs", str(folder), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        assert first.startswith("Piwik PRO sandbox:"), (first, process.poll(), process.stderr.read())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        stderr = process.stderr.read()
        assert all(p in stderr for p in removed), stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_change_report_says_renamed_upstream(variation: tuple[Path, list[str], str], tmp_path: Path) -> None:
    folder, removed, renamed = variation
    lock = tmp_path / "lock.json"
    lock.write_bytes((ROOT / "spec" / "lock.json").read_bytes())
    cmd = [sys.executable, "-m", "piwik_pro_spec.regenerate", "--check", "--source", str(folder), "--lock", str(lock)]
    run = subprocess.run(
        [*cmd, "--output", str(tmp_path / "out"), "--reports", str(tmp_path / "reports")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=110,
    )
    report = json.loads((tmp_path / "reports" / "changes.json").read_text(encoding="utf-8"))
    assert run.returncode == 1, run.stdout + run.stderr  # changed: docs removed
    renames = [c for c in report["changes"] if c["doc"] == renamed and c["kind"] == "doc-file-changed"]
    assert renames and "renamed upstream" in renames[0]["message"], report["changes"][:5]
    assert set(removed) <= set(report["removed_docs"]), report["removed_docs"]

"""Real-doc tests never skip silently: the summary counts them; PIWIK_PRO_REQUIRE_DOCS=1 turns the skip into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A few fast tests that need the real docs (through the docs_source fixture).
TARGET = "tests/sandbox/test_api.py"


def _pytest(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PIWIK_PRO_DOCS_SOURCE", "PIWIK_PRO_REQUIRE_DOCS")}
    cmd = [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:cacheprovider"]
    return subprocess.run(cmd, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120, check=False)


def test_skipped_real_doc_tests_are_counted_with_how_to_enable_them() -> None:
    run = _pytest()
    assert run.returncode == 0, run.stdout[-2000:]
    assert "4 test(s) needing the real docs were skipped" in run.stdout
    assert "export PIWIK_PRO_DOCS_SOURCE=" in run.stdout


def test_required_docs_fail_the_run_when_missing() -> None:
    run = _pytest(PIWIK_PRO_REQUIRE_DOCS="1")
    assert run.returncode != 0
    assert "PIWIK_PRO_REQUIRE_DOCS=1 but PIWIK_PRO_DOCS_SOURCE is unset" in run.stdout + run.stderr

"""Run the installed `piwik-pro` console script against a sandbox, with its own config and cache dirs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from ._helpers import PIWIK_PRO, Result, Run


@pytest.fixture
def generated() -> None:
    pytest.importorskip("piwik_pro_api._index", reason="generated/piwik_pro_api is missing: run `nox -s regenerate`")


@pytest.fixture
def cli_env(tmp_path: Path, sandbox: Sandbox) -> dict[str, str]:
    """Environment of a user whose credentials point at the sandbox, with config/cache in tmp dirs."""
    keep = ("PATH", "PYTHONPATH", "SYSTEMROOT", "PIWIK_PRO_DOCS_SOURCE", "VIRTUAL_ENV")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        PIWIK_PRO_HOST=sandbox.url,
        PIWIK_PRO_CLIENT_ID=DEMO_CLIENT_ID,
        PIWIK_PRO_CLIENT_SECRET=DEMO_CLIENT_SECRET,
    )
    return env


@pytest.fixture
def run(cli_env: dict[str, str], generated: None) -> Run:
    """run("call", "list_users", env={...overrides}, stdin="...") -> Result; None in env removes a variable."""
    assert PIWIK_PRO, f"the piwik-pro console script is not installed next to {sys.executable}"

    def _run(*args: str, env: dict[str, str | None] | None = None, stdin: str | None = None) -> Result:
        merged = dict(cli_env)
        for key, value in (env or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        proc = subprocess.run(
            [str(PIWIK_PRO), *args], env=merged, input=stdin, capture_output=True, text=True, timeout=60
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return _run

"""Helpers for the regenerate pipeline tests: run it on our own fixture docs, in temp dirs only.

Every run passes --output, --lock and --reports under tmp_path, so the tests
never touch the real generated/ or spec/lock.json.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from piwik_pro_spec import regenerate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pipeline"
FIXTURE_SOURCES = FIXTURES / "sources.toml"


@dataclass
class Run:
    code: int
    out: str


@dataclass
class Workspace:
    root: Path
    docs: Path  # a writable copy of the fixture docs
    output: Path
    lock: Path
    reports: Path

    def run(
        self, *extra: str, capsys: pytest.CaptureFixture[str], source: str | None = None, sources: Path | None = None
    ) -> Run:
        argv = [
            "--sources",
            str(sources or FIXTURE_SOURCES),
            "--source",
            source or str(self.docs),
            "--output",
            str(self.output),
            "--lock",
            str(self.lock),
            "--reports",
            str(self.reports),
            "--jobs",
            "1",
            *extra,
        ]
        capsys.readouterr()
        code = regenerate.main(argv)
        return Run(code, capsys.readouterr().out)

    @property
    def package(self) -> Path:
        return self.output / "piwik_pro_api"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "docs", docs)
    return Workspace(tmp_path, docs, tmp_path / "generated", tmp_path / "lock.json", tmp_path / "reports")


def tree_digest(path: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under path (bytecode caches left out)."""
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def run_cli(*argv: str, seed: str = "12345", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m piwik_pro_spec.regenerate ...` in a fresh interpreter with a fixed hash seed."""
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "piwik_pro_spec.regenerate", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def run_python(code: str, *paths: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter with `paths` first on sys.path (before the editable install)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*(str(p) for p in paths), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def python_ok(code: str, *paths: Path) -> str:
    proc = run_python(code, *paths)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout

"""Shared by the regenerate and import benchmarks: the docs folder and stock openapi-python-client runs."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


NO_DOCS = "skipped: set PIWIK_PRO_DOCS_SOURCE to the exported docs (e.g. ../shared/piwik-pro-api-docs/2025-01)"


def docs_folder(tmp: Path) -> Path | None:
    """The docs as files: PIWIK_PRO_DOCS_SOURCE (folder or URL, downloaded untimed) or the sibling mirror."""
    source = os.environ.get("PIWIK_PRO_DOCS_SOURCE")
    if source and source.startswith(("http://", "https://")):
        from piwik_pro_spec.docs import fetch_available
        from piwik_pro_spec.sources import load_sources

        folder = tmp / "docs"
        folder.mkdir()
        by_package = {s.package: s for s in load_sources()}
        for package, data in fetch_available(source)[0].items():
            (folder / by_package[package].file).write_bytes(data)
        return folder
    if source:
        path = Path(source)
        return path if path.is_absolute() else (ROOT / path).resolve()
    default = ROOT.parent / "shared" / "piwik-pro-api-docs" / "2025-01"
    return default if default.is_dir() else None


def tool_env() -> dict[str, str]:
    # Stock post hooks call `ruff` from PATH: use the one beside this interpreter.
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes: steadier than wall time under load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stock_generate(doc: Path, output: Path) -> tuple[float, bool]:
    """`openapi-python-client generate` as a new user runs it (meta none, its default ruff hooks).

    Returns (seconds, succeeded).
    """
    exe = BIN / "openapi-python-client"
    cmd = [str(exe) if exe.exists() else "openapi-python-client", "generate", "--path", str(doc)]
    cmd += ["--meta", "none", "--output-path", str(output), "--overwrite"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), check=False)
    elapsed = time.perf_counter() - start
    ok = proc.returncode == 0 and (output / "__init__.py").exists()
    return elapsed, ok


def ours(*argv: str) -> tuple[float, int, str]:
    """`python -m piwik_pro_spec.regenerate ...` in a fresh interpreter: (seconds, exit code, output)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "piwik_pro_spec.regenerate", *argv],
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def temp_dir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

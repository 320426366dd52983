"""Build the wheel, install it in a fresh venv outside the checkout with the pinned checkers, run them.

Used by tests/typing/test_typing.py (`nox -s typing`) and tests/bench/bench_typing.py. Everything
happens in a temp folder: the checkers see the package as a user's project sees it (site-packages,
py.typed), never the checkout's sources or its mypy/pyright configuration.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MYPY = "mypy==2.4.1"
PYRIGHT = "pyright==1.1.414"  # the PyPI wrapper; it installs the same pyright version from npm on first use
MYPY_ARGS = ["--strict", "--disallow-any-expr"]
USER_CODE = "user_code.py"
MISUSE = "misuse.py"
MISTAKE = re.compile(r"#\s*mistake:")
PYRIGHT_CONFIG = {"typeCheckingMode": "strict", "reportMissingModuleSource": "error"}


@dataclass
class Env:
    """A fresh venv with the wheel, mypy and pyright, and a work folder holding copies of the user files."""

    root: Path
    python: Path
    work: Path

    def bin(self, name: str) -> Path:
        return self.python.parent / name


def _run(cmd: list[str | Path], cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "MYPYPATH", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _checked(cmd: list[str | Path], cwd: Path | None = None) -> str:
    proc = _run(cmd, cwd)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    return proc.stdout


def build_wheel(out: Path) -> Path:
    """The project's wheel (handwritten + generated packages), as `nox -s build` makes it."""
    if not (ROOT / "generated" / "piwik_pro_api" / "__init__.py").exists():
        raise RuntimeError("generated/piwik_pro_api is missing: run `nox -s regenerate` first")
    _checked([sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT])
    (wheel,) = out.glob("piwik_pro_client-*.whl")
    return wheel


def make_env(wheel: Path | None = None, *, extra: tuple[str, ...] = ()) -> Env:
    """A venv in a new temp folder (outside the checkout) with the wheel and the pinned checkers."""
    root = Path(tempfile.mkdtemp(prefix="piwik-pro-typing-"))
    venv.EnvBuilder(with_pip=True, clear=True).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    if wheel is None:
        wheel = build_wheel(root / "dist")
    _checked([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, MYPY, PYRIGHT, *extra])
    work = root / "work"
    work.mkdir()
    for name in (USER_CODE, MISUSE):
        shutil.copy(HERE / name, work / name)
    config = dict(PYRIGHT_CONFIG, venvPath=str(root), venv="venv")
    (work / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return Env(root=root, python=python, work=work)


def remove(env: Env) -> None:
    shutil.rmtree(env.root, ignore_errors=True)


def mypy(env: Env, *files: str, cache: str = ".mypy_cache") -> tuple[int, str]:
    proc = _run([env.bin("mypy"), *MYPY_ARGS, "--cache-dir", cache, "--no-error-summary", *files], env.work)
    return proc.returncode, proc.stdout + proc.stderr


def pyright(env: Env, *files: str) -> tuple[int, str]:
    proc = _run([env.bin("pyright"), "--outputjson", *files], env.work)
    return proc.returncode, proc.stdout or proc.stderr


_MYPY_LINE = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+): (?P<kind>error|note): (?P<text>.*)$")


def mypy_errors(output: str) -> dict[tuple[str, int], list[str]]:
    """{(file, line): [messages]} of mypy's errors (notes are ignored)."""
    found: dict[tuple[str, int], list[str]] = {}
    for line in output.splitlines():
        m = _MYPY_LINE.match(line.strip())
        if m and m["kind"] == "error":
            found.setdefault((Path(m["file"]).name, int(m["line"])), []).append(m["text"])
    return found


def pyright_errors(output: str) -> dict[tuple[str, int], list[str]]:
    """{(file, line): [messages]} of pyright's errors (1-based lines), from --outputjson."""
    try:
        report = json.loads(output)
    except ValueError as exc:
        raise RuntimeError(f"pyright printed no JSON report:\n{output[-3000:]}") from exc
    found: dict[tuple[str, int], list[str]] = {}
    for diag in report.get("generalDiagnostics", []):
        if diag.get("severity") != "error":
            continue
        key = (Path(diag["file"]).name, int(diag["range"]["start"]["line"]) + 1)
        found.setdefault(key, []).append(f"{diag.get('message', '')} ({diag.get('rule', '')})")
    return found


def _tokens(name: str) -> list[tokenize.TokenInfo]:
    with (HERE / name).open("rb") as f:
        return list(tokenize.tokenize(f.readline))


def marked_lines(name: str = MISUSE) -> dict[int, str]:
    """{line: what the mistake is} for every line of the misuse file with a `# mistake: ...` comment."""
    return {
        tok.start[0]: MISTAKE.split(tok.string, 1)[1].strip()
        for tok in _tokens(name)
        if tok.type == tokenize.COMMENT and MISTAKE.match(tok.string)
    }


def forbidden_in_user_code(name: str = USER_CODE) -> list[str]:
    """Escape hatches the user code must not need: cast, isinstance, Any, type: ignore (code and comments, not prose)."""
    found: set[str] = set()
    for tok in _tokens(name):
        if tok.type == tokenize.NAME and tok.string in ("cast", "isinstance", "Any"):
            found.add(tok.string)
        elif tok.type == tokenize.COMMENT and re.search(r"(type|pyright):\s*ignore", tok.string):
            found.add("ignore comment")
    return sorted(found)

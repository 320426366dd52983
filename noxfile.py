"""Developer sessions: `nox -s regenerate`, `nox -s tests`, `nox -s lint`, ...

Regenerate first on a fresh machine: the tests import the generated packages.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox
import nox.virtualenv

ROOT = Path(__file__).parent
GENERATED = ROOT / "generated" / "piwik_pro_api"

# Generation only; the wheel never depends on it.
OPENAPI_PYTHON_CLIENT = "openapi-python-client==0.29.1"
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"
PYTEST = ["pytest>=8", "pytest-timeout>=2.3"]
JSONSCHEMA = "jsonschema>=4.21"

nox.options.sessions = ["regenerate", "lint", "tests"]
nox.options.reuse_venv = "yes"

# uv makes venvs where it is installed; else the stdlib venv, silently: nox probes
# for uv before every session and logs "uv binary not found." unless told up front.
HAS_UV = shutil.which(os.environ.get("UV", "uv")) is not None
nox.options.default_venv_backend = "uv" if HAS_UV else "venv"
if not HAS_UV:
    nox.virtualenv.HAS_UV = False  # nox reads these module attributes before probing
    nox.virtualenv.UV = "uv"
    nox.virtualenv.UV_VERSION = nox.virtualenv.version.Version("0.0")
OLDEST_PYTHON = "3.10"  # requires-python in pyproject.toml


def _install_project(session: nox.Session, *extras: str) -> None:
    spec = "." if not extras else f".[{','.join(extras)}]"
    session.install("-e", spec)


def _require_generated(session: nox.Session) -> None:
    if not (GENERATED / "__init__.py").exists():
        session.error("generated/piwik_pro_api is missing: run `nox -s regenerate` first (see README).")


@nox.session
def regenerate(session: nox.Session) -> None:
    """Download the docs, apply spec fixes, generate `generated/piwik_pro_api`.

    Pass options after `--`: `--source URL|DIR`, `--only NAME...`, `--check`,
    `--allow-removals`, `--force`.
    """
    session.install(OPENAPI_PYTHON_CLIENT, RUFF)
    _install_project(session)
    session.run("python", "-m", "piwik_pro_spec.regenerate", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite against the sandbox (over real HTTP on 127.0.0.1)."""
    _require_generated(session)
    session.install(OPENAPI_PYTHON_CLIENT, RUFF, MYPY, *PYTEST)  # mypy: the dict-body typing test needs it
    _install_project(session, "sandbox")
    args = session.posargs or ["tests", "-m", "not contract and not newman and not typing"]
    session.run("pytest", *args)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint + format check) on handwritten code; mypy --strict on overrides/."""
    session.install(RUFF, MYPY, JSONSCHEMA, "types-python-dateutil", "types-jsonschema", "types-jmespath", *PYTEST)
    _install_project(session, "sandbox")
    handwritten = ["overrides", "spec", "tests", "examples", "noxfile.py"]
    session.run("ruff", "check", *handwritten)
    session.run("ruff", "format", "--check", *handwritten)
    session.run("mypy", "--strict", "overrides/piwik_pro")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks, each printed beside a baseline measured in the same run."""
    _require_generated(session)
    session.install(OPENAPI_PYTHON_CLIENT, RUFF, "build", *PYTEST)
    _install_project(session, "sandbox")
    session.run("python", "-m", "tests.bench", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel (handwritten + generated packages) into dist/."""
    _require_generated(session)
    session.install("build")
    shutil.rmtree(ROOT / "dist", ignore_errors=True)
    session.run("python", "-m", "build", "--wheel", "--outdir", "dist")


def _oldest_python() -> str | None:
    """An interpreter of the oldest supported Python that runs on this machine (never downloaded)."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [os.environ.get("PIWIK_PRO_OLDEST_PYTHON"), shutil.which(f"python{OLDEST_PYTHON}")]
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{OLDEST_PYTHON}.*", "bin", "python3")))
    for exe in filter(None, candidates):
        # A pyenv shim exists even when no such version is active: ask it.
        probe = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == str(tuple(map(int, OLDEST_PYTHON.split(".")))):
            return exe
    return None


@nox.session
def wheel_check(session: nox.Session) -> None:
    """Build the wheel and check it works installed alone: sandbox, walkthrough, CLI (every local Python)."""
    _require_generated(session)
    docs = os.environ.get("PIWIK_PRO_DOCS_SOURCE")
    if not docs:
        session.error("wheel_check needs PIWIK_PRO_DOCS_SOURCE (a docs folder or URL) for the sandbox it starts")
    if "://" not in docs:
        docs = str(Path(docs).expanduser().resolve())  # the check runs outside the checkout
    session.install("build")
    out = Path(session.create_tmp()) / "dist"
    shutil.rmtree(out, ignore_errors=True)
    session.run("python", "-m", "build", "--wheel", "--outdir", str(out), silent=True)
    (wheel,) = out.glob("*.whl")
    pythons = [sys.executable]
    oldest = _oldest_python()
    if oldest:
        pythons.insert(0, oldest)
    else:
        session.warn(f"no Python {OLDEST_PYTHON} on this machine (PATH, pyenv, PIWIK_PRO_OLDEST_PYTHON): not checked")
    args = [f"--python={p}" for p in pythons]
    session.run("python", str(ROOT / ".ci" / "wheel_check.py"), f"--wheel={wheel}", f"--docs={docs}", *args)


@nox.session(name="typing")
def typing_check(session: nox.Session) -> None:
    """The typed surface from the wheel in a fresh venv: mypy --strict --disallow-any-expr, pyright strict."""
    _require_generated(session)
    session.install("build", *PYTEST)
    _install_project(session, "sandbox")
    session.run("pytest", "tests/typing", "-m", "typing", *session.posargs)


def _npm_tool_tests(session: nox.Session, folder: str, marker: str) -> None:
    # The tests install their pinned npm tool (tests/_npm_tools.py) into .tools/.
    _require_generated(session)
    session.install(*PYTEST)
    _install_project(session, "sandbox")
    env = {"PIWIK_PRO_TOOLS_DIR": str(ROOT / ".tools")}
    session.run("pytest", folder, "-m", marker, *session.posargs, env=env)


@nox.session
def contract(session: nox.Session) -> None:
    """Every generated operation against Stoplight Prism mocks of the fixed docs."""
    _npm_tool_tests(session, "tests/contract", "contract")


@nox.session
def postman(session: nox.Session) -> None:
    """The exported Postman collection run by Newman (pinned, npm) against the sandbox."""
    _npm_tool_tests(session, "tests/postman", "newman")


if os.environ.get("CI"):
    # CI machines start clean: never reuse a half-built venv.
    nox.options.reuse_venv = "no"

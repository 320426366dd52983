"""Shared fixtures: the docs source, prepared sandbox docs (once per session) and a fresh sandbox per test.

    def test_something(sandbox):          # started, fresh state, stopped afterwards
        httpx.post(sandbox.url + "/auth/token", json={...})

Tests that need the real docs skip with a clear reason when PIWIK_PRO_DOCS_SOURCE is unset, and the
summary says how many and how to run them; with PIWIK_PRO_REQUIRE_DOCS=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from .servers import misbehaving_server  # noqa: F401  (the fixture, for every test folder)

if TYPE_CHECKING:
    from piwik_pro.sandbox import Sandbox, SandboxDocs

DOCS_ENV = "PIWIK_PRO_DOCS_SOURCE"
REQUIRE_ENV = "PIWIK_PRO_REQUIRE_DOCS"
ROOT = Path(__file__).resolve().parent.parent


SKIP_REASON = (
    f"{DOCS_ENV} is unset: point it at the exported docs "
    "(e.g. ../shared/piwik-pro-api-docs/2025-01) to run tests that need them"
)


def docs_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def skip_without_docs() -> NoReturn:
    """Skip (or, with PIWIK_PRO_REQUIRE_DOCS=1, fail) a test that needs the real docs."""
    if docs_required():
        pytest.fail(f"{REQUIRE_ENV}=1 but {SKIP_REASON}", pytrace=False)
    pytest.skip(SKIP_REASON)


def pytest_configure(config: pytest.Config) -> None:
    if docs_required() and resolve_docs_source() is None:
        raise pytest.UsageError(f"{REQUIRE_ENV}=1 but {SKIP_REASON}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("=", f"{len(skipped)} test(s) needing the real docs were skipped", yellow=True)
        terminalreporter.write_line(
            f"To run them: export {DOCS_ENV}=DIR|URL (a docs mirror, e.g. ../shared/piwik-pro-api-docs/2025-01, "
            f"or one saved with `nox -s regenerate -- --save-docs DIR`). {REQUIRE_ENV}=1 makes such skips fail."
        )


def resolve_docs_source() -> str | None:
    """PIWIK_PRO_DOCS_SOURCE as an absolute folder or a URL (relative folders: from the repo root), or None."""
    source = os.environ.get(DOCS_ENV)
    if not source:
        return None
    if source.startswith(("http://", "https://")):
        return source
    path = Path(source).expanduser()
    if not path.is_absolute() and not path.exists():
        path = ROOT / path
    return str(path.resolve())


def load_sandbox_docs(source: str) -> SandboxDocs:
    """Prepared docs for `source`, loaded once per process (collection-time parametrization shares them)."""
    from piwik_pro.sandbox import shared_docs

    return shared_docs(source)


@pytest.fixture(scope="session")
def docs_source() -> str:
    """The docs folder or loopback URL from PIWIK_PRO_DOCS_SOURCE; skips when unset."""
    source = resolve_docs_source()
    if source is None:
        skip_without_docs()
    if not source.startswith(("http://", "https://")) and not Path(source).is_dir():
        pytest.fail(f"{DOCS_ENV}={os.environ.get(DOCS_ENV)!r} is not a folder (looked at {source})")
    return source


def require_docs(sandbox_docs: SandboxDocs, *packages: str) -> None:
    """Skip, naming them, when this docs release lacks docs a test needs (an older release may)."""
    missing = [p for p in packages if p not in sandbox_docs.docs]
    if missing:
        pytest.skip(f"this docs release has no {', '.join(missing)} doc (see spec/piwik_pro_spec/sources.toml)")


@pytest.fixture(scope="session")
def sandbox_docs(docs_source: str) -> SandboxDocs:
    """The fixed docs, prepared for serving once per session and shared by every sandbox."""
    pytest.importorskip("jsonschema", reason="the sandbox needs the 'sandbox' extra (jsonschema)")
    return load_sandbox_docs(docs_source)


@pytest.fixture
def sandbox(sandbox_docs: SandboxDocs) -> Iterator[Sandbox]:
    """A started sandbox with fresh state (users, tokens, faults, clock), stopped after the test."""
    from piwik_pro.sandbox import Sandbox

    with Sandbox(sandbox_docs) as sb:
        yield sb

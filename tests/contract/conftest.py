"""Session fixtures: the fixed docs, a pinned Prism install, one Prism mock per doc."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._check import make_client
from ._prism import PrismError, PrismFarm, ensure_prism


@pytest.fixture(scope="session")
def fixed_docs(docs_source: str) -> dict[str, dict[str, Any]]:
    """The docs after the project's spec fixes (what the client was generated from)."""
    from piwik_pro_spec.docs import load_fixed_docs

    return load_fixed_docs(docs_source)


@pytest.fixture(autouse=True)
def _skip_operations_of_docs_this_release_lacks(request: pytest.FixtureRequest) -> None:
    """An operation generated from a doc the docs source lacks (a package kept from another release) is skipped."""
    if "op" not in request.fixturenames:
        return
    op = request.getfixturevalue("op")
    docs = request.getfixturevalue("fixed_docs")
    if isinstance(op, dict) and op.get("doc") not in docs:
        pytest.skip(f"{op.get('doc')}: the doc is not in this docs release (its package was kept from another)")


@pytest.fixture(scope="session")
def prism_executable() -> str:
    try:
        return str(ensure_prism())
    except PrismError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def prism_farm(
    fixed_docs: dict[str, dict[str, Any]], prism_executable: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismFarm]:
    from pathlib import Path

    farm = PrismFarm(Path(prism_executable), fixed_docs, tmp_path_factory.mktemp("prism"))
    try:
        farm.pump()
        yield farm
    finally:
        farm.close()


@pytest.fixture(scope="session")
def clients(prism_farm: PrismFarm) -> Iterator[dict[str, Any]]:
    """One client per doc, created on first use and closed at the end."""
    made: dict[str, Any] = {}
    try:
        yield made
    finally:
        for client in made.values():
            close = getattr(client, "close", None)
            if close is not None:
                close()


def client_for(clients: dict[str, Any], name: str, url: str) -> Any:
    """The client for a doc's mock (a restarted mock has a new URL, so a new client)."""
    key = f"{name} {url}"
    if key not in clients:
        clients[key] = make_client(url)
    return clients[key]


@pytest.fixture(scope="session")
def prism_calls() -> dict[str, Any]:
    """Prism verdicts by operation module, so the sandbox comparison reuses the same call."""
    return {}


@pytest.fixture
def sandbox_client(sandbox: Any) -> Iterator[Any]:
    """A PiwikPro client (demo client credentials) on a fresh sandbox for each comparison.

    Fresh, so one operation's state (a user created by an earlier example) cannot decide another's verdict.
    """
    from piwik_pro import PiwikPro
    from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    client = PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, allow_insecure_http=True, max_retries=0)
    try:
        yield client
    finally:
        client.close()

"""Fixtures for the client tests: a PiwikPro bound to the sandbox, retries without long sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from piwik_pro import PiwikPro

if TYPE_CHECKING:
    from piwik_pro.sandbox import Sandbox


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the backoff policy, shrink its waits (tests never assert on timing)."""
    from piwik_pro import _retry

    monkeypatch.setattr(_retry, "INITIAL_DELAY", 0.001)
    monkeypatch.setattr(_retry, "MAX_DELAY", 0.01)
    monkeypatch.setattr(_retry, "MAX_RETRY_AFTER", 1.0)


@pytest.fixture
def pp(sandbox: Sandbox) -> Iterator[PiwikPro]:
    from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as client:
        yield client


def api_requests(sandbox: Sandbox) -> list:  # type: ignore[type-arg]
    """What the sandbox received, minus token requests."""
    return [r for r in sandbox.requests if r.path != "/auth/token"]

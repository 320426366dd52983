"""The pinned Newman install, once per session."""

from __future__ import annotations

import pytest

from ._newman import NewmanError, ensure_newman


@pytest.fixture(scope="session")
def newman() -> str:
    try:
        return str(ensure_newman())
    except NewmanError as exc:
        pytest.fail(str(exc), pytrace=False)

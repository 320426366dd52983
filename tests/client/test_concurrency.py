"""Single-flight token refresh: many threads / tasks sharing one client across a token expiry."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from piwik_pro import AsyncPiwikPro, PiwikPro
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(120)

THREADS = 16
TASKS = 200


def run_threads(pp: PiwikPro, rounds: int) -> list[int]:
    barrier = threading.Barrier(THREADS)

    def work(_: int) -> list[int]:
        barrier.wait()  # all threads hit the expired token together
        return [pp.request("GET", "/api/users/v2").status_code for _ in range(rounds)]

    with ThreadPoolExecutor(THREADS) as pool:
        return [s for statuses in pool.map(work, range(THREADS)) for s in statuses]


@pytest.mark.parametrize("clock", ["server-only", "shared"])
def test_16_threads_one_token_request_per_expiry(sandbox: Sandbox, pp: PiwikPro, clock: str) -> None:
    if clock == "shared":  # the client sees the expiry coming and refreshes ahead
        pp._shared.auth.cache.clock = sandbox.clock.now  # type: ignore[union-attr]
    assert run_threads(pp, 3) == [200] * THREADS * 3
    assert sandbox.tokens_issued == 1
    for expiry in (2, 3):
        sandbox.clock.advance(1800)
        assert run_threads(pp, 3) == [200] * THREADS * 3  # no 401 reached a caller
        assert sandbox.tokens_issued == expiry
    if clock == "shared":
        assert all(r.status == 200 for r in api_requests(sandbox))


@pytest.mark.parametrize("clock", ["server-only", "shared"])
def test_200_tasks_one_token_request_per_expiry(sandbox: Sandbox, clock: str) -> None:
    async def burst(pp: AsyncPiwikPro, n: int) -> list[int]:
        responses = await asyncio.gather(*(pp.request("GET", "/api/users/v2") for _ in range(n)))
        return [r.status_code for r in responses]

    async def main() -> None:
        # A pool smaller than the crowd: waiting for the token must not starve the token request.
        pool = httpx.AsyncClient(limits=httpx.Limits(max_connections=16))
        async with pool, AsyncPiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, http_client=pool) as pp:
            if clock == "shared":  # the client sees the expiry coming and refreshes ahead
                pp._shared.auth.cache.clock = sandbox.clock.now  # type: ignore[union-attr]
                assert await burst(pp, 1) == [200]
            else:  # first use: 200 tasks, one token request
                assert await burst(pp, TASKS) == [200] * TASKS
            assert sandbox.tokens_issued == 1
            sandbox.clock.advance(1800)
            assert await burst(pp, TASKS) == [200] * TASKS  # no 401 reached a caller
            assert sandbox.tokens_issued == 2

    asyncio.run(main())
    if clock == "server-only":  # every task met the expired token, and each retried once
        assert sum(1 for r in api_requests(sandbox) if r.status == 401) == TASKS
    else:
        assert all(r.status == 200 for r in api_requests(sandbox))


def test_threads_and_tasks_share_one_cache(sandbox: Sandbox, pp: PiwikPro) -> None:
    """Generated asyncio() functions take the sync client too; both sides use one token cache."""
    run_threads(pp, 1)

    async def tasks() -> list[int]:
        client = pp.get_async_httpx_client()
        responses = await asyncio.gather(*(client.get("/api/users/v2") for _ in range(50)))
        await client.aclose()
        return [r.status_code for r in responses]

    assert asyncio.run(tasks()) == [200] * 50
    assert sandbox.tokens_issued == 1

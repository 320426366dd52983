"""The token flow over real HTTP against the sandbox."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from piwik_pro import AsyncPiwikPro, AuthenticationError, PiwikPro, Token
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(60)


def token_requests(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.path == "/auth/token")


def test_token_fetched_on_first_use_then_cached(sandbox: Sandbox, pp: PiwikPro) -> None:
    assert sandbox.tokens_issued == 0  # constructing the client fetches nothing
    for _ in range(5):
        pp.request("GET", "/api/users/v2")
    assert sandbox.tokens_issued == 1
    token_call = next(r for r in sandbox.requests if r.path == "/auth/token")
    assert token_call.method == "POST"
    assert token_call.content_type == "application/json"  # the guide's JSON body
    assert token_call.json()["grant_type"] == "client_credentials"
    assert all(r.headers.get("authorization") for r in api_requests(sandbox))


def test_fetch_token(sandbox: Sandbox, pp: PiwikPro) -> None:
    first = pp.fetch_token()
    assert isinstance(first, Token) and first.token_type == "Bearer" and first.expires_in == 1800
    assert pp.fetch_token() is first
    refreshed = pp.fetch_token(force_refresh=True)
    assert refreshed.access_token != first.access_token
    assert sandbox.tokens_issued == 2


def test_refreshed_before_expiry_on_the_clients_clock(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp._shared.auth.cache.clock = sandbox.clock.now  # type: ignore[union-attr]
    pp.request("GET", "/api/users/v2")
    sandbox.clock.advance(1800 - 30)  # inside the safety margin, still valid on the server
    pp.request("GET", "/api/users/v2")
    assert sandbox.tokens_issued == 2
    assert all(r.status == 200 for r in api_requests(sandbox))  # refreshed ahead, no 401 needed


def test_expired_token_refreshed_once_and_retried_once(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp.request("GET", "/api/users/v2")
    sandbox.clock.advance(3600)  # the server now says "Expired JWT Token"; the client's clock does not know
    assert pp.request("GET", "/api/users/v2").status_code == 200
    assert sandbox.tokens_issued == 2
    statuses = [r.status for r in api_requests(sandbox)]
    assert statuses == [200, 401, 200]


def test_revoked_token_exactly_one_refresh_and_one_retry(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp.request("GET", "/api/users/v2")
    sandbox.revoke_tokens()
    sandbox.clear_requests()
    assert pp.request("GET", "/api/users/v2").status_code == 200
    assert [(r.path, r.status) for r in sandbox.requests] == [
        ("/api/users/v2", 401),
        ("/auth/token", 200),
        ("/api/users/v2", 200),
    ]


def test_second_401_goes_to_the_caller_never_loops(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp.request("GET", "/api/users/v2")
    sandbox.faults.add(kind="status", status=401, times=None, route="GET /api/users/v2")
    sandbox.clear_requests()
    with pytest.raises(AuthenticationError):
        pp.request("GET", "/api/users/v2")
    assert [r.path for r in sandbox.requests] == ["/api/users/v2", "/auth/token", "/api/users/v2"]


def test_wrong_credentials_fail_fast(sandbox: Sandbox) -> None:
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, "wrong-secret-123") as pp, pytest.raises(AuthenticationError) as caught:
        pp.request("GET", "/api/users/v2")
    assert caught.value.status_code == 401
    assert any(e.title == "Invalid client credentials" for e in caught.value.errors)
    assert "wrong-secret-123" not in str(caught.value) and "wrong-secret-123" not in repr(caught.value)
    assert token_requests(sandbox) == 1  # no retry storm
    assert api_requests(sandbox) == []  # the API call was never sent


def test_wrong_credentials_fail_fast_async(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPiwikPro(sandbox.url, "nobody", "wrong-secret-123") as pp:
            results = await asyncio.gather(
                *(pp.request("GET", "/api/users/v2") for _ in range(20)), return_exceptions=True
            )
        assert all(isinstance(r, AuthenticationError) for r in results)

    asyncio.run(main())
    assert 1 <= token_requests(sandbox) <= 20  # each caller tries at most once, none retries
    assert api_requests(sandbox) == []


def test_static_token_string(sandbox: Sandbox) -> None:
    token = sandbox.issue_token()
    with PiwikPro(sandbox.url, token=token) as pp:
        assert pp.request("GET", "/api/users/v2").status_code == 200
        assert pp.fetch_token().access_token == token
    assert token_requests(sandbox) == 0


def test_static_token_callable_asked_again_after_401(sandbox: Sandbox) -> None:
    old = sandbox.issue_token()
    calls: list[str] = []

    def provide() -> str:  # the caller's own cache: the old token until it is asked after a 401
        calls.append("x")
        return old if len(calls) <= 2 else sandbox.issue_token()

    with PiwikPro(sandbox.url, token=provide) as pp:
        pp.request("GET", "/api/users/v2")
        sandbox.revoke_tokens()
        assert pp.request("GET", "/api/users/v2").status_code == 200
    assert len(calls) == 3  # one per request, plus one after the 401
    assert [r.status for r in api_requests(sandbox)] == [200, 401, 200]


def test_static_token_string_401_is_raised(sandbox: Sandbox) -> None:
    with PiwikPro(sandbox.url, token="not-a-valid-token") as pp, pytest.raises(AuthenticationError) as caught:
        pp.request("GET", "/api/users/v2")
    assert caught.value.errors[0].title == "access token not authorized"
    assert len(api_requests(sandbox)) == 1


class MemoryStore:
    def __init__(self, token: Token | None = None) -> None:
        self.token = token
        self.saved: list[Token] = []

    def load(self) -> Token | None:
        return self.token

    def save(self, token: Token) -> None:
        self.saved.append(token)
        self.token = token


def test_token_store_reused_across_clients(sandbox: Sandbox) -> None:
    store = MemoryStore()
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_store=store) as pp:
        pp.request("GET", "/api/users/v2")
    assert len(store.saved) == 1
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_store=store) as pp:
        pp.request("GET", "/api/users/v2")
    assert sandbox.tokens_issued == 1


def test_stale_stored_token_is_replaced(sandbox: Sandbox) -> None:
    store = MemoryStore(Token("eyJstale.stale.stale", "Bearer", 1800, 0.0))  # expired long ago
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_store=store) as pp:
        pp.request("GET", "/api/users/v2")
    assert sandbox.tokens_issued == 1 and store.token is not None and store.token.expires_at > 0


def test_force_refresh_replaces_a_stored_token(sandbox: Sandbox) -> None:
    # The store holds a fresh token the client has not loaded yet: a forced refresh must still fetch a new one.
    stored = Token(sandbox.issue_token(), "Bearer", 1800, sandbox.clock.now() + 1800)
    store = MemoryStore(stored)
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_store=store) as pp:
        token = pp.fetch_token(force_refresh=True)
    assert token.access_token != stored.access_token
    assert sandbox.tokens_issued == 2 and store.token is token


def test_broken_store_does_not_break_calls(sandbox: Sandbox) -> None:
    class Broken:
        def load(self) -> Token | None:
            raise OSError("disk on fire")

        def save(self, token: Token) -> None:
            raise OSError("disk on fire")

    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_store=Broken()) as pp:
        assert pp.request("GET", "/api/users/v2").status_code == 200


def test_token_never_sent_to_another_origin(sandbox: Sandbox) -> None:
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as pp:
        pp.request("GET", "/api/users/v2")
        flow = pp._shared.auth.sync_auth_flow(httpx.Request("GET", "https://elsewhere.example/steal"))
        outgoing = next(flow)
        assert "authorization" not in outgoing.headers
        with pytest.raises(ValueError, match="takes a path on"):
            pp.request("GET", "https://elsewhere.example/steal")
        same_origin = pp.request("GET", sandbox.url + "/api/users/v2")  # an absolute URL on our host is fine
        assert same_origin.status_code == 200

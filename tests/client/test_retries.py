"""Retries and timeouts over real HTTP against the sandbox's fault injection."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from piwik_pro import (
    APIConnectionError,
    APITimeoutError,
    AsyncPiwikPro,
    BadRequestError,
    InternalServerError,
    PiwikPro,
    RateLimitError,
)
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(60)

LIST = "/api/users/v2"
INVITE = "/api/users/v2/invite"


def invite_body(email: str = "retry@example.com") -> dict[str, object]:
    return {"data": {"type": "ppms/user", "attributes": {"email": email, "language": "en-US"}}}


def hits(sandbox: Sandbox, method: str, path: str) -> int:
    return sum(1 for r in api_requests(sandbox) if r.method == method and r.path == path)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_get_retried_on_retryable_status(sandbox: Sandbox, pp: PiwikPro, status: int) -> None:
    sandbox.faults.add(kind="status", status=status, times=2, route=f"GET {LIST}")
    assert pp.request("GET", LIST).status_code == 200
    assert [r.status for r in api_requests(sandbox)] == [status, status, 200]


def test_gives_up_after_max_retries(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="status", status=503, times=None, route=f"GET {LIST}")
    with pytest.raises(InternalServerError) as caught:
        pp.request("GET", LIST)
    assert caught.value.status_code == 503
    assert hits(sandbox, "GET", LIST) == 3  # the first try + max_retries=2


@pytest.mark.parametrize("retries", [0, 4])
def test_max_retries_per_call(sandbox: Sandbox, pp: PiwikPro, retries: int) -> None:
    sandbox.faults.add(kind="status", status=502, times=None, route=f"GET {LIST}")
    with pytest.raises(InternalServerError):
        pp.with_options(max_retries=retries).request("GET", LIST)
    assert hits(sandbox, "GET", LIST) == retries + 1
    sandbox.faults.clear()
    assert pp.request("GET", LIST).status_code == 200  # the original keeps its own setting and the token
    assert sandbox.tokens_issued == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_errors_not_retried(sandbox: Sandbox, pp: PiwikPro, status: int) -> None:
    pp.fetch_token()
    sandbox.faults.add(kind="status", status=status, times=None, route=f"GET {LIST}")
    with pytest.raises(Exception) as caught:
        pp.request("GET", LIST)
    assert getattr(caught.value, "status_code", None) == status
    expected = 2 if status == 401 else 1  # a 401 gets one retry with a fresh token, nothing more
    assert hits(sandbox, "GET", LIST) == expected


@pytest.mark.parametrize("status", [500, 502, 504, 408])
def test_post_not_retried_when_it_may_have_been_processed(sandbox: Sandbox, pp: PiwikPro, status: int) -> None:
    sandbox.faults.add(kind="status", status=status, times=1, route=f"POST {INVITE}")
    with pytest.raises(InternalServerError if status >= 500 else Exception):
        pp.request("POST", INVITE, json=invite_body())
    assert hits(sandbox, "POST", INVITE) == 1


def test_post_503_without_retry_after_not_retried(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="status", status=503, times=1, route=f"POST {INVITE}")
    with pytest.raises(InternalServerError):
        pp.request("POST", INVITE, json=invite_body())
    assert hits(sandbox, "POST", INVITE) == 1


def test_post_503_with_retry_after_is_retried(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="status", status=503, times=1, retry_after=0.05, route=f"POST {INVITE}")
    assert pp.request("POST", INVITE, json=invite_body()).status_code == 201
    assert [r.status for r in api_requests(sandbox)] == [503, 201]


def test_429_with_retry_after_is_waited_out(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="status", status=429, times=2, retry_after=0.05, route=f"POST {INVITE}")
    assert pp.request("POST", INVITE, json=invite_body()).status_code == 201
    assert [r.status for r in api_requests(sandbox)] == [429, 429, 201]


def test_retry_after_beyond_the_cap_goes_to_the_caller(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="status", status=429, times=1, retry_after=3600, route=f"GET {LIST}")
    with pytest.raises(RateLimitError) as caught:
        pp.request("GET", LIST)
    assert caught.value.retry_after == 3600
    assert hits(sandbox, "GET", LIST) == 1


def test_html_502_page_becomes_typed_error(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="html", status=502, times=None, route=f"GET {LIST}")
    with pytest.raises(InternalServerError) as caught:
        pp.request("GET", LIST)
    err = caught.value
    assert err.status_code == 502 and err.errors == []
    assert err.body_snippet == "502 Error"
    assert err.request_id and err.request_id.startswith("sandbox-")
    assert hits(sandbox, "GET", LIST) == 3  # a 502 is retried first


def test_post_that_times_out_is_not_sent_again(sandbox: Sandbox, pp: PiwikPro) -> None:
    sandbox.faults.add(kind="delay", seconds=1.0, times=1, route=f"POST {INVITE}")
    hasty = pp.with_options(timeout=httpx.Timeout(5.0, read=0.3))
    with pytest.raises(APITimeoutError) as caught:
        hasty.request("POST", INVITE, json=invite_body("once@example.com"))
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert hits(sandbox, "POST", INVITE) == 1
    # The server did process it (after its delay): the invite exists exactly once.
    deadline = time.monotonic() + 10
    while any(r.status is None for r in api_requests(sandbox)) and time.monotonic() < deadline:
        time.sleep(0.05)
    listed = pp.request("GET", LIST, params={"search": "once@example.com"}).json()
    assert [u["attributes"]["email"] for u in listed["data"]] == ["once@example.com"]
    assert hits(sandbox, "POST", INVITE) == 1


def test_get_that_times_out_is_retried(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp.fetch_token()
    sandbox.faults.add(kind="delay", seconds=1.0, times=1, route=f"GET {LIST}")
    hasty = pp.with_options(timeout=httpx.Timeout(5.0, read=0.3))
    assert hasty.request("GET", LIST).status_code == 200
    assert hits(sandbox, "GET", LIST) == 2


def test_dropped_connection_get_retried_post_not(sandbox: Sandbox, pp: PiwikPro) -> None:
    pp.fetch_token()
    sandbox.faults.add(kind="drop", times=1, route=f"GET {LIST}")
    assert pp.request("GET", LIST).status_code == 200
    assert hits(sandbox, "GET", LIST) == 2
    sandbox.faults.add(kind="drop", times=1, route=f"POST {INVITE}")
    with pytest.raises(APIConnectionError) as caught:
        pp.request("POST", INVITE, json=invite_body())
    assert not isinstance(caught.value, APITimeoutError)
    assert hits(sandbox, "POST", INVITE) == 1


def test_server_down_is_a_connection_error_after_retries() -> None:
    attempts: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request.method)
        raise httpx.ConnectError("connection refused", request=request)

    mock = httpx.Client(transport=httpx.MockTransport(refuse))
    with (
        PiwikPro("http://127.0.0.1:9", token="t0ken-value", http_client=mock) as pp,
        pytest.raises(APIConnectionError, match="ConnectError"),
    ):
        pp.request("POST", INVITE, json=invite_body())  # never reached the server: safe to retry a POST
    assert attempts == ["POST"] * 3


def test_bad_request_carries_the_json_api_errors(sandbox: Sandbox, pp: PiwikPro) -> None:
    with pytest.raises(BadRequestError) as caught:
        pp.request(
            "POST",
            INVITE,
            json={"data": {"type": "ppms/user", "attributes": {"email": "x@example.com", "language": "xx-XX"}}},
        )
    err = caught.value
    assert err.errors and err.errors[0].title and err.errors[0].pointer
    assert err.request_id is not None
    assert hits(sandbox, "POST", INVITE) == 1


def test_async_retries_and_post_timeout(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as pp:
            sandbox.faults.add(kind="status", status=503, times=2, route=f"GET {LIST}")
            assert (await pp.request("GET", LIST)).status_code == 200
            sandbox.faults.add(kind="status", status=429, times=1, retry_after=0.05, route=f"POST {INVITE}")
            assert (await pp.request("POST", INVITE, json=invite_body("async@example.com"))).status_code == 201
            sandbox.faults.add(kind="delay", seconds=1.0, times=1, route=f"POST {INVITE}")
            with pytest.raises(APITimeoutError):
                await pp.with_options(timeout=httpx.Timeout(5.0, read=0.3)).request(
                    "POST", INVITE, json=invite_body("slow@example.com")
                )
            sandbox.faults.add(kind="status", status=500, times=None, route=f"GET {LIST}")
            with pytest.raises(InternalServerError):
                await pp.with_options(max_retries=1).request("GET", LIST)

    asyncio.run(main())
    assert [r.status for r in api_requests(sandbox) if r.method == "GET"] == [503, 503, 200, 500, 500]
    assert [r.status for r in api_requests(sandbox) if r.method == "POST"][:2] == [429, 201]
    assert hits(sandbox, "POST", INVITE) == 3  # 429 + retry, then the timed-out one, sent once

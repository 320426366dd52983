"""The client against misbehaving servers on 127.0.0.1 (issue 12's client-side breaks).

Every server here is a `tests.servers.MisbehavingServer`: a token endpoint that hangs or lies, bodies
that trickle or never end, redirects. No test asserts on timing; timeouts are short and the slow
behaviours wake up when the server stops.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import uuid

import httpx
import pytest
from piwik_pro import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncPiwikPro,
    BadRequestError,
    PiwikPro,
    PiwikProError,
    ResponseTooLargeError,
    UnexpectedStatusError,
)
from piwik_pro._logging import redact

from ..servers import Exchange, MisbehavingServer, big_body, pause, reply, token_reply, trickle

pytestmark = pytest.mark.timeout(60)

TOKEN = "/auth/token"
API = "/api/users/v2"
SECRET = "hostile-test-client-secret-3f9a"
GOOD_TOKEN = "tok-" + "b" * 40


def client(server: MisbehavingServer, **kwargs: object) -> PiwikPro:
    return PiwikPro(server.url, "hostile-client-id", SECRET, **kwargs)  # type: ignore[arg-type]


def async_client(server: MisbehavingServer, **kwargs: object) -> AsyncPiwikPro:
    return AsyncPiwikPro(server.url, "hostile-client-id", SECRET, **kwargs)  # type: ignore[arg-type]


def _errors_of_threads(pp: PiwikPro, n: int) -> list[BaseException]:
    """What `n` threads calling GET API at the same moment (a barrier) raised, once all are done."""
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def call() -> None:
        start.wait()
        try:
            pp.request("GET", API)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def ok_api(server: MisbehavingServer) -> None:
    server.route("POST", TOKEN, token_reply(GOOD_TOKEN))
    server.route("GET", API, reply(200, json={"data": [], "meta": {"total": 0}}))


# -- B1: the token request obeys the client's timeout and retries ---------------------------------------


def test_token_request_times_out_and_is_retried(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("POST", TOKEN, pause(5, then=token_reply()))
    with client(srv, timeout=0.3, max_retries=1) as pp, pytest.raises(APITimeoutError):
        pp.request("GET", API)
    assert srv.count(TOKEN) == 2  # the first attempt and one retry, each cut at the timeout
    assert srv.count(API) == 0


def test_async_token_request_times_out(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, pause(5, then=token_reply()))

    async def main() -> None:
        async with async_client(srv, timeout=0.3, max_retries=0) as pp:
            with pytest.raises(APITimeoutError):
                await pp.request("GET", API)

    asyncio.run(main())
    assert srv.count(TOKEN) == 1


def test_waiters_for_a_hanging_token_fetch_give_up_at_their_timeout(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, pause(5, then=token_reply()))
    with client(srv, timeout=0.3, max_retries=0) as pp:
        errors = _errors_of_threads(pp, 8)
    assert len(errors) == 8 and all(isinstance(e, APITimeoutError) for e in errors), errors
    assert srv.count(TOKEN) == 1  # one fetch for all of them


def test_tasks_waiting_for_a_hanging_token_fetch_give_up_at_their_timeout(
    misbehaving_server: MisbehavingServer,
) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, pause(5, then=token_reply()))

    async def main() -> list[BaseException | object]:
        async with async_client(srv, timeout=0.3, max_retries=0) as pp:
            return await asyncio.gather(*(pp.request("GET", API) for _ in range(8)), return_exceptions=True)

    results = asyncio.run(main())
    assert all(isinstance(r, APITimeoutError) for r in results), results
    assert srv.count(TOKEN) == 1


# -- B2: token responses are validated --------------------------------------------------------------------

CRLF_TOKEN = "tok-crlf-secret-value\r\nX-Injected: 1"
BAD_TOKEN_BODIES = {
    "expires_in NaN": '{"access_token": "tok-nan-secret-value", "expires_in": NaN}',
    "expires_in 1e400": '{"access_token": "tok-inf-secret-value", "expires_in": 1e400}',
    "expires_in -5": '{"access_token": "tok-neg-secret-value", "expires_in": -5}',
    "expires_in 0": '{"access_token": "tok-zero-secret-value", "expires_in": 0}',
    "expires_in null": '{"access_token": "tok-null-secret-value", "expires_in": null}',
    "expires_in string": '{"access_token": "tok-str-secret-value", "expires_in": ""}',
    "expires_in missing": '{"access_token": "tok-miss-secret-value"}',
    "access_token null": '{"access_token": null, "expires_in": 1800}',
    "access_token empty": '{"access_token": "", "expires_in": 1800}',
    "access_token number": '{"access_token": 12345678, "expires_in": 1800}',
    "access_token CRLF": '{"access_token": "tok-crlf-secret-value\\r\\nX-Injected: 1", "expires_in": 1800}',
    "access_token space": '{"access_token": "tok-space secret-value", "expires_in": 1800}',
    "access_token non-ASCII": '{"access_token": "tok-\\u00e9-secret-value", "expires_in": 1800}',
    "not an object": '["tok-list-secret-value"]',
    "html": "<html><title>Sign in</title></html>",
}


@pytest.mark.parametrize("body", BAD_TOKEN_BODIES.values(), ids=BAD_TOKEN_BODIES.keys())
def test_unusable_token_response_is_a_typed_error_without_the_token(
    misbehaving_server: MisbehavingServer, body: str
) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, reply(200, body, content_type="application/json"))
    srv.route("GET", API, reply(200, json={"data": []}))
    with client(srv, max_retries=0) as pp:
        with pytest.raises(APIResponseValidationError) as info:
            pp.request("GET", API)
        with pytest.raises(APIResponseValidationError):  # nothing was cached: asked again, refused again
            pp.fetch_token()
    text = f"{info.value} {info.value!r}"
    assert "token endpoint" in text and "200" in text
    assert "secret-value" not in text and SECRET not in text
    assert srv.count(API) == 0  # nothing was sent with a bad token
    assert srv.count(TOKEN) == 2


def test_async_unusable_token_response(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, reply(200, BAD_TOKEN_BODIES["expires_in NaN"], content_type="application/json"))

    async def main() -> None:
        async with async_client(srv, max_retries=0) as pp:
            with pytest.raises(APIResponseValidationError, match="expires_in"):
                await pp.request("GET", API)
            with pytest.raises(APIResponseValidationError, match="expires_in"):
                await pp.fetch_token()

    asyncio.run(main())
    assert srv.count(API) == 0


def test_a_good_token_response_is_used(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    with client(srv) as pp:
        pp.request("GET", API)
        token = pp.fetch_token()
    assert token.access_token == GOOD_TOKEN and token.expires_in == 1800
    assert srv.last(API).headers["Authorization"] == f"Bearer {GOOD_TOKEN}"


def test_transport_error_text_is_redacted() -> None:
    from piwik_pro._logging import register_secret
    from piwik_pro._retry import _wrap

    secret = "tok-" + uuid.uuid4().hex
    register_secret(secret)
    request = httpx.Request("GET", "http://127.0.0.1/api")
    error = _wrap(httpx.LocalProtocolError(f"Illegal header value b'{secret}\\r\\n'"), request)
    assert secret not in str(error)


# -- B3: a failed fetch is shared by its waiters --------------------------------------------------------

HTML_LOGIN = pause(0.3, then=reply(200, "<html><title>Sign in</title></html>", content_type="text/html"))


def test_threads_waiting_on_a_failed_fetch_share_its_failure(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, HTML_LOGIN)
    with client(srv, max_retries=0) as pp:
        errors = _errors_of_threads(pp, 50)
    assert len(errors) == 50 and all(isinstance(e, APIResponseValidationError) for e in errors)
    assert "Sign in" in str(errors[-1])
    assert srv.count(TOKEN) <= 3  # one flight, and at most a couple for stragglers; not 50


def test_tasks_waiting_on_a_failed_fetch_share_its_failure(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", TOKEN, HTML_LOGIN)

    async def main() -> list[BaseException | object]:
        async with async_client(srv, max_retries=0) as pp:
            return await asyncio.gather(*(pp.request("GET", API) for _ in range(50)), return_exceptions=True)

    results = asyncio.run(main())
    assert all(isinstance(r, APIResponseValidationError) for r in results), results
    assert srv.count(TOKEN) <= 3


# -- B4: a redirect is no success --------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_request_raises_for_a_redirect(misbehaving_server: MisbehavingServer, status: int) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, reply(status, headers={"Location": "https://elsewhere.example/login"}))
    with client(srv) as pp, pytest.raises(UnexpectedStatusError) as info:
        pp.request("GET", API)
    assert info.value.status_code == status
    assert srv.count(API) == 1  # not followed, not retried


def test_async_request_raises_for_a_redirect(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, reply(302, headers={"Location": "/elsewhere"}))

    async def main() -> None:
        async with async_client(srv) as pp:
            with pytest.raises(UnexpectedStatusError):
                await pp.request("GET", API)

    asyncio.run(main())


# -- B7: one deadline per attempt --------------------------------------------------------------------

TRICKLE = trickle(b'{"data": []}' + b" " * 60, interval=0.1)  # 72 bytes, 7 s at 1 byte / 0.1 s


def test_trickled_body_ends_at_the_deadline(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, TRICKLE)
    with client(srv, timeout=0.5, max_retries=0) as pp, pytest.raises(APITimeoutError, match=r"within 0\.5s"):
        pp.request("GET", API)
    exchange = srv.last(API)
    assert exchange.client_gone.wait(10)  # the client hung up...
    assert exchange.sent < 72  # ...before the body was complete


def test_async_trickled_body_ends_at_the_deadline(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, TRICKLE)

    async def main() -> None:
        async with async_client(srv, timeout=0.5, max_retries=0) as pp:
            with pytest.raises(APITimeoutError):
                await pp.request("GET", API)

    asyncio.run(main())
    exchange = srv.last(API)
    assert exchange.client_gone.wait(10)
    assert exchange.sent < 72


def test_trickled_get_is_retried_then_raises(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, TRICKLE)
    with client(srv, timeout=0.3, max_retries=1) as pp, pytest.raises(APITimeoutError):
        pp.request("GET", API)
    assert srv.count(API) == 2


# -- B8: a cap on the response body ------------------------------------------------------------------

MiB = 2**20


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "until-close"])
def test_body_past_the_cap_is_refused_while_streaming(misbehaving_server: MisbehavingServer, announce: bool) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", API, big_body(64 * MiB, announce=announce))
    with client(srv, max_response_bytes=MiB) as pp, pytest.raises(ResponseTooLargeError) as info:
        pp.request("GET", API)
    assert info.value.limit == MiB and "max_response_bytes" in str(info.value)
    assert isinstance(info.value, APIResponseValidationError)
    exchange = srv.last(API)
    assert exchange.client_gone.wait(10)
    assert exchange.sent < 64 * MiB


def test_cap_applies_to_the_decoded_body(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    bomb = gzip.compress(b"0" * (16 * MiB))  # a few KiB on the wire
    srv.route("GET", API, reply(200, bomb, headers={"Content-Encoding": "gzip"}, content_type="application/json"))
    with client(srv, max_response_bytes=MiB) as pp, pytest.raises(ResponseTooLargeError):
        pp.request("GET", API)


def test_cap_is_an_option_of_with_options_and_async(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("GET", "/big", big_body(2 * MiB))
    with client(srv) as pp:
        assert len(pp.request("GET", "/big").content) == 2 * MiB  # under the default cap
        with pytest.raises(ResponseTooLargeError):
            pp.with_options(max_response_bytes=MiB).request("GET", "/big")
    with pytest.raises(ValueError, match="max_response_bytes"):
        client(srv, max_response_bytes=-1)

    async def main() -> None:
        async with async_client(srv, max_response_bytes=MiB) as app:
            with pytest.raises(ResponseTooLargeError):
                await app.request("GET", "/big")
            assert len((await app.with_options(max_response_bytes=None).request("GET", "/big")).content) == 2 * MiB

    asyncio.run(main())


def test_gzip_body_is_decoded_once(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    body = b'{"data": [], "meta": {"total": 0}}'
    srv.route(
        "GET",
        API,
        reply(200, gzip.compress(body), headers={"Content-Encoding": "gzip"}, content_type="application/json"),
    )
    with client(srv) as pp:
        assert pp.request("GET", API).json() == {"data": [], "meta": {"total": 0}}


# -- B14: the client secret is never dropped from redaction; no userinfo in the host ------------------------


def unique_tokens(ex: Exchange) -> None:
    token_reply("tok-" + uuid.uuid4().hex)(ex)


def test_client_secret_stays_redacted_after_many_refreshes(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    secret = "pinned-" + uuid.uuid4().hex
    srv.route("POST", TOKEN, unique_tokens)
    srv.route("GET", "/echo", reply(400, json={"errors": [{"title": f"you sent {secret} to us"}]}))
    with PiwikPro(srv.url, "hostile-client-id", secret) as pp:
        for _ in range(70):  # more tokens than the redaction list keeps
            pp.fetch_token(force_refresh=True)
        with pytest.raises(BadRequestError) as info:
            pp.request("GET", "/echo")
    assert srv.count(TOKEN) == 70
    assert secret not in str(info.value)
    assert secret not in redact(f"log line with {secret}")


@pytest.mark.parametrize("host", ["http://user:hunter2-pass@127.0.0.1:9", "https://hunter2-pass@acme.piwik.pro"])
def test_host_with_userinfo_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="user name or password") as info:
        PiwikPro(host, "id", "secret")
    assert "hunter2-pass" not in str(info.value)
    assert "client_id" in str(info.value)


# -- B16: bad input is a ValueError naming the argument -----------------------------------------------


@pytest.mark.parametrize("path", ["/x\r\n", "/x\nHost: evil", "/a b", "/x\x00"])
def test_path_with_control_characters_is_refused(misbehaving_server: MisbehavingServer, path: str) -> None:
    srv = misbehaving_server
    ok_api(srv)
    with client(srv) as pp, pytest.raises(ValueError, match="path"):
        pp.request("GET", path)
    assert srv.count(API) == 0


@pytest.mark.parametrize("value", ["caf\u00e9", "a\r\nX-Injected: 1", "a\x00b"])
def test_bad_header_value_is_refused(misbehaving_server: MisbehavingServer, value: str) -> None:
    srv = misbehaving_server
    ok_api(srv)
    with client(srv) as pp, pytest.raises(ValueError, match=r"headers\['X-Note'\]") as info:
        pp.request("GET", API, headers={"X-Note": value})
    assert value not in str(info.value)

    async def main() -> None:
        async with async_client(srv) as app:
            with pytest.raises(ValueError, match="headers"):
                await app.request("GET", API, headers={"X-Note": value})

    asyncio.run(main())
    assert srv.count(API) == 0


def test_bad_header_name_and_method_are_refused(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    with client(srv) as pp:
        with pytest.raises(ValueError, match="header name"):
            pp.request("GET", API, headers={"X Bad": "1"})
        with pytest.raises(ValueError, match="method"):
            pp.request("GE T", API)


@pytest.mark.parametrize(
    "host", ["javascript:alert(1)", "https://acme.piwik.pro:99999", "https://acme\r\n.piwik.pro", "http://[::1"]
)
def test_unparseable_host_is_a_value_error(host: str) -> None:
    with pytest.raises(ValueError, match="host"):
        PiwikPro(host, "id", "secret")


def test_static_token_with_crlf_is_refused(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    with PiwikPro(srv.url, token="tok-static\r\nX-Injected: 1") as pp, pytest.raises(PiwikProError) as info:
        pp.request("GET", API)
    assert not isinstance(info.value, APIConnectionError)
    assert srv.count(API) == 0


def test_head_keeps_the_announced_length(misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    ok_api(srv)
    srv.route("HEAD", API, lambda ex: ex.start(200, {"Content-Length": "1234", "Content-Type": "application/json"}))
    with client(srv) as pp:
        response = pp.request("HEAD", API)
    assert response.headers["content-length"] == "1234" and response.content == b""

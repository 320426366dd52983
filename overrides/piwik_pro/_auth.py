"""The token flow, as an httpx auth flow.

`ClientCredentialsAuth` fetches a token with `POST {host}/auth/token` (JSON
body, client_credentials grant) on first use, caches it until `expires_in`
minus a safety margin, and refreshes it once for any number of concurrent
threads or tasks (single flight: whoever holds the lock fetches; the others
find the fresh token when they get the lock). When the API answers 401 to a
request that carried our token, the token is refreshed once and the request
retried once; a second 401 goes to the caller. Wrong credentials raise
AuthenticationError from the token request itself, at once.

The token request is yielded to httpx like any request, so it goes through the
same pool, retries, deadline, size cap and logging as the API calls, with the
timeouts of the call that needed the token. One fetch serves every concurrent
caller, whether it succeeds or fails (see _TokenCache); a waiter waits no longer
than its own timeout. A token response is accepted only with a non-empty
visible-ASCII `access_token` and a finite, positive `expires_in`; anything else
is an APIResponseValidationError naming what was wrong, never the token.

`StaticTokenAuth` sends a token the caller supplies (a string, or a callable
asked for the token on every request and once more after a 401).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx

from ._base import raise_for_status
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    PiwikProError,
    _snippet,
    make_status_error,
)
from ._logging import logger, register_secret
from ._retry import FAILURE_EXTENSION, IDEMPOTENT_EXTENSION, attempt_budget, requested_timeouts

__all__ = ["ClientCredentialsAuth", "StaticTokenAuth", "Token", "TokenStore"]

TOKEN_PATH = "/auth/token"
# Refresh this long before the server-side expiry (clock skew, request latency).
SAFETY_MARGIN = 60.0


@dataclass(frozen=True)
class Token:
    """An access token. Its repr never shows the token itself."""

    access_token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_in: float = 1800.0
    expires_at: float = float("inf")  # epoch seconds (on the auth's clock)

    def __repr__(self) -> str:
        return (
            f"Token(access_token='[REDACTED]', token_type={self.token_type!r}, "
            f"expires_in={self.expires_in!r}, expires_at={self.expires_at!r})"
        )

    __str__ = __repr__

    def is_fresh(self, now: float) -> bool:
        """Usable for a while yet: not within the safety margin of its expiry."""
        margin = min(SAFETY_MARGIN, self.expires_in / 2)
        return now < self.expires_at - margin


@runtime_checkable
class TokenStore(Protocol):
    """Where tokens outlive the process (the CLI plugs in a 0600 file cache per profile).

    A store may also offer `lock(timeout: float | None)`, a context manager held across
    processes while one of them fetches (raising TimeoutError when not got in time); the
    sync client then re-reads the store under the lock, so processes share one fetch.
    """

    def load(self) -> Token | None: ...

    def save(self, token: Token) -> None: ...


class _TokenCache:
    """The one token cache a client and all its `with_options` copies share.

    Single flight: the first caller that needs a token opens a flight (a future) and fetches;
    every caller arriving meanwhile, thread or task, waits for that flight's outcome, success
    or failure, for at most its own timeout. Callers arriving after a failed flight open the
    next one, so a failing token endpoint sees one request per burst of callers, not one each.
    """

    def __init__(self, store: TokenStore | None, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        self.token: Token | None = None
        self._loaded = store is None
        self._mutex = threading.Lock()  # guards token/flight bookkeeping only, never held while waiting
        self._flight: Future[Token] | None = None

    def fresh(self, not_this: str | None = None) -> Token | None:
        """The cached token if it is fresh (and is not `not_this`, a token the API just refused)."""
        if not self._loaded:
            self._load()
        token = self.token
        if token is None or not token.is_fresh(self.clock()):
            return None
        if not_this is not None and token.access_token == not_this:
            return None
        return token

    def _load(self) -> None:
        self._loaded = True
        assert self.store is not None
        try:
            token = self.store.load()
        except Exception as exc:  # a broken cache must not break the call; we fetch a new token
            logger.warning("token store load failed (%s); fetching a new token", type(exc).__name__)
            return
        if token is not None:
            register_secret(token.access_token)
            self.token = token

    def reload(self, not_this: str | None) -> Token | None:
        """Read the store again (another process may have saved a token while we waited for its lock)."""
        if self.store is None:
            return None
        self._load()
        return self.fresh(not_this)

    def put(self, token: Token) -> None:
        self.token = token
        if self.store is not None:
            try:
                self.store.save(token)
            except Exception as exc:
                logger.warning("token store save failed (%s); the token is cached in memory only", type(exc).__name__)

    def join(self, not_this: str | None) -> tuple[Token | None, Future[Token] | None, bool]:
        """A fresh token; or the flight in progress to wait for; or a new flight to lead (True)."""
        token = self.fresh(not_this)
        if token is not None:  # the common case, without the mutex
            return token, None, False
        with self._mutex:
            token = self.fresh(not_this)
            if token is not None:
                return token, None, False
            if self._flight is not None:
                return None, self._flight, False
            flight: Future[Token] = Future()
            flight.set_running_or_notify_cancel()  # a waiter giving up must not cancel it for the others
            self._flight = flight
            return None, flight, True

    def land(self, flight: Future[Token], token: Token | None = None, error: BaseException | None = None) -> None:
        """End the flight: cache the token (before anyone can see the flight gone), wake the waiters."""
        if token is not None:
            self.put(token)
        with self._mutex:
            if self._flight is flight:
                self._flight = None
        if flight.done():
            return
        if token is not None:
            flight.set_result(token)
        else:
            flight.set_exception(error or PiwikProError("the token request ended without a token"))


def _again(exc: BaseException) -> BaseException:
    """A copy of a waiter's error to raise in another thread (one instance raised twice would share tracebacks)."""
    clone = type(exc).__new__(type(exc), *exc.args)
    clone.__dict__.update(exc.__dict__)
    clone.args = exc.args
    clone.__cause__ = exc.__cause__
    return clone


def _as_flight_error(exc: BaseException, request: httpx.Request) -> BaseException:
    """What the waiters of a failed flight get: the leader's error, or a typed one if it only got interrupted."""
    if isinstance(exc, GeneratorExit):  # httpx closed the flow: the transport left the error on the request
        failure = request.extensions.get(FAILURE_EXTENSION)
        if isinstance(failure, BaseException):
            return failure
    if isinstance(exc, Exception):
        return exc
    return APIConnectionError("the caller fetching the token was interrupted before it got one; try again")


def _wait_timeout(waited: float | None) -> APITimeoutError:
    return APITimeoutError(
        f"timed out after {waited:g}s waiting for the token request another caller started; "
        "raise the timeout or check the token endpoint"
    )


def _bad_token_response(response: httpx.Response, what: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"the token endpoint {response.request.method} {response.request.url.copy_with(query=None)} answered "
        f"{response.status_code} with {what}; check the host (it must be your Piwik PRO account URL)",
        status_code=response.status_code,
        headers=response.headers,
        body_snippet=None,
        response=response,
    )


def _describe(value: Any) -> str:
    """A token-free description of a JSON value (its type and size, never its text)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return f"a JSON {type(value).__name__}"


def parse_token_response(response: httpx.Response) -> tuple[str, float, str]:
    """access_token, expires_in and token_type from a 2xx token response, or APIResponseValidationError."""
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        content_type = response.headers.get("content-type", "no content type")
        raise _bad_token_response(
            response, f"a body that is not JSON ({content_type}): {_snippet(response.content)}"
        ) from None
    if not isinstance(data, dict):
        raise _bad_token_response(response, f"{_describe(data)} instead of a JSON object")
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        shown = "no access_token" if "access_token" not in data else f"access_token {_describe(access_token)}"
        raise _bad_token_response(response, f"{shown} (a non-empty string is required)")
    if not _TOKEN_CHARS.fullmatch(access_token):
        raise _bad_token_response(
            response,
            f"an access_token ({len(access_token)} characters) holding characters a token cannot have "
            "(control characters, spaces or non-ASCII)",
        )
    register_secret(access_token)  # from here on, redacted wherever it shows up
    expires_in = data.get("expires_in")
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
        shown = "no expires_in" if "expires_in" not in data else f"expires_in {_describe(expires_in)}"
        raise _bad_token_response(response, f"{shown} (a number of seconds is required)")
    try:
        seconds = float(expires_in)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not math.isfinite(seconds) or seconds <= 0:
        raise _bad_token_response(
            response, f"expires_in {expires_in!r:.40} (a finite number of seconds > 0 is required)"
        )
    token_type = data.get("token_type")
    if token_type is not None and not isinstance(token_type, str):
        raise _bad_token_response(response, f"token_type {_describe(token_type)} (a string is required)")
    return access_token, seconds, token_type or "Bearer"


# RFC 6750 b64token, widened to any visible ASCII: what an Authorization header can carry.
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client-credentials flow against Piwik PRO's `/auth/token`."""

    def __init__(
        self,
        base_url: httpx.URL,
        client_id: str,
        client_secret: str,
        *,
        token_store: TokenStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url
        self.client_id = client_id
        self._client_secret = client_secret
        register_secret(client_secret, pin=True)
        self.cache = _TokenCache(token_store, clock)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret='[REDACTED]')"

    # -- building and reading the token request ---------------------------------------------

    def token_request(self, timeouts: Mapping[str, Any] | None = None) -> httpx.Request:
        """The token request, with the timeouts of the call that needs the token (httpx does not add
        the client's timeout to requests an auth flow yields)."""
        body = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        extensions: dict[str, Any] = {
            IDEMPOTENT_EXTENSION: True
        }  # asking for a token changes nothing: retry like a GET
        if timeouts:
            extensions["timeout"] = dict(timeouts)
        return httpx.Request(
            "POST",
            self.base_url.copy_with(path=self.base_url.path.rstrip("/") + TOKEN_PATH),
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            extensions=extensions,
        )

    def accept_token_response(self, response: httpx.Response) -> Token:
        if response.status_code >= 400:
            cls = AuthenticationError if response.status_code < 500 else None
            err = make_status_error(
                response.status_code, response.content, response.headers, response=response, cls=cls
            )
            if cls is AuthenticationError:
                err.args = (f"could not get a token with client id {self.client_id!r}: {err}",)
            raise err
        raise_for_status(response)  # a redirect is no token
        access_token, expires_in, token_type = parse_token_response(response)
        token = Token(access_token, token_type, expires_in, self.cache.clock() + expires_in)
        logger.debug("fetched a new access token (expires in %.0fs)", expires_in)
        return token

    def _ours(self, request: httpx.Request) -> bool:
        # Never hand our token to another origin (an absolute URL passed to pp.request, a redirect).
        url = request.url
        return (url.scheme, url.host, url.port) == (self.base_url.scheme, self.base_url.host, self.base_url.port)

    def _store_lock(self, timeouts: Mapping[str, Any]) -> AbstractContextManager[bool]:
        """The store's cross-process lock, if it has one (the CLI's file cache does)."""
        lock = getattr(self.cache.store, "lock", None)
        if lock is None:
            return contextlib.nullcontext(False)
        return _StoreLock(lock, attempt_budget(timeouts))

    # -- the flows ------------------------------------------------------------------------------

    def obtain_sync(
        self, not_this: str | None = None, timeouts: Mapping[str, Any] | None = None
    ) -> Generator[httpx.Request, httpx.Response, Token]:
        """Sub-flow: the fresh token, fetching it (one flight for all callers) if needed."""
        timeouts = timeouts or {}
        token, flight, lead = self.cache.join(not_this)
        if token is not None:
            return token
        assert flight is not None
        if not lead:
            wait = attempt_budget(timeouts)
            try:
                error = flight.exception(timeout=wait)
            except FutureTimeout:
                raise _wait_timeout(wait) from None
            if error is not None:
                raise _again(error)
            return flight.result()
        request = self.token_request(timeouts)
        try:
            with self._store_lock(timeouts) as locked:
                # After waiting for another process's fetch, its token may be in the store.
                token = self.cache.reload(not_this) if locked else None
                if token is None:
                    response = yield request
                    response.read()
                    token = self.accept_token_response(response)
                self.cache.land(flight, token)  # saved before the lock goes: the next process reads it
        except BaseException as exc:
            self.cache.land(flight, error=_as_flight_error(exc, request))
            raise
        return token

    async def obtain_async(
        self, not_this: str | None = None, timeouts: Mapping[str, Any] | None = None
    ) -> AsyncGenerator[httpx.Request | Token, httpx.Response | None]:
        """Async sub-flow: yields the requests to send (send back their responses), then the Token.

        (An async generator cannot return a value, so the token is its last item.)
        """
        timeouts = timeouts or {}
        token, flight, lead = self.cache.join(not_this)
        if token is not None:
            yield token
            return
        assert flight is not None
        if not lead:
            wait = attempt_budget(timeouts)
            try:
                # shield: a waiter that gives up must not cancel the flight for everyone
                token = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(flight)), wait)
            except asyncio.TimeoutError:
                raise _wait_timeout(wait) from None
            except PiwikProError as exc:
                raise _again(exc) from exc.__cause__
            yield token
            return
        # The async flow does not take the store's cross-process lock: it blocks, and the CLI is sync.
        request = self.token_request(timeouts)
        try:
            response = yield request
            assert response is not None
            await response.aread()
            token = self.accept_token_response(response)
        except BaseException as exc:
            self.cache.land(flight, error=_as_flight_error(exc, request))
            raise
        self.cache.land(flight, token)
        yield token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._ours(request):
            yield request
            return
        timeouts = requested_timeouts(request)
        token = yield from self.obtain_sync(timeouts=timeouts)
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code == 401:
            logger.debug("401 for %s %s; refreshing the token once", request.method, request.url.path)
            # Read (and so release the connection) before waiting for the token: waiters holding
            # pooled connections would starve the one fetching it.
            response.read()
            token = yield from self.obtain_sync(not_this=token.access_token, timeouts=timeouts)
            request.headers["Authorization"] = f"Bearer {token.access_token}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not self._ours(request):
            yield request
            return
        timeouts = requested_timeouts(request)
        used: str | None = None
        for _ in range(2):  # the first send, and at most one retry after a 401
            sub = self.obtain_async(used, timeouts)
            try:
                item = await sub.__anext__()
                while isinstance(item, httpx.Request):
                    item = await sub.asend((yield item))
            finally:
                await sub.aclose()
            request.headers["Authorization"] = f"Bearer {item.access_token}"
            response = yield request
            if response.status_code != 401:
                return
            logger.debug("401 for %s %s; refreshing the token once", request.method, request.url.path)
            await response.aread()  # release the connection before waiting for the token (see sync flow)
            used = item.access_token


class _StoreLock:
    """Adapts a store's `lock(timeout)` to our errors: a lock not got in time is an APITimeoutError."""

    def __init__(self, lock: Callable[[float | None], AbstractContextManager[object]], timeout: float | None) -> None:
        self._cm = lock(timeout)
        self._timeout = timeout

    def __enter__(self) -> bool:
        try:
            self._cm.__enter__()
            return True
        except TimeoutError:
            raise APITimeoutError(
                f"timed out after {self._timeout:g}s waiting for another process's token request (token store lock)"
            ) from None

    def __exit__(self, *exc_info: Any) -> Any:
        return self._cm.__exit__(*exc_info)


def drive_sync(
    flow: Generator[httpx.Request, httpx.Response, Token], send: Callable[[httpx.Request], httpx.Response]
) -> Token:
    """Run a token sub-flow outside httpx's auth machinery (fetch_token): send each request it yields."""
    try:
        request = next(flow)
        while True:
            try:
                response = send(request)
            except BaseException as exc:
                request = flow.throw(exc)  # the flow tells its waiters, then re-raises
                continue
            request = flow.send(response)
    except StopIteration as stop:
        token: Token = stop.value
        return token


async def drive_async(
    flow: AsyncGenerator[httpx.Request | Token, httpx.Response | None],
    send: Callable[[httpx.Request], Awaitable[httpx.Response]],
) -> Token:
    """The async twin of drive_sync."""
    try:
        item = await flow.__anext__()
        while isinstance(item, httpx.Request):
            try:
                response = await send(item)
            except BaseException as exc:
                item = await flow.athrow(exc)
                continue
            item = await flow.asend(response)
        return item
    finally:
        await flow.aclose()


class StaticTokenAuth(httpx.Auth):
    """A token the caller supplies: a string, or a callable returning one (asked again after a 401)."""

    def __init__(self, base_url: httpx.URL, token: str | Callable[[], str]) -> None:
        self.base_url = base_url
        self._token = token
        if isinstance(token, str):
            register_secret(token, pin=True)

    def __repr__(self) -> str:
        return "StaticTokenAuth(token='[REDACTED]')"

    def current(self) -> Token:
        value = self._token() if callable(self._token) else self._token
        if not isinstance(value, str) or not value or not _TOKEN_CHARS.fullmatch(value):
            raise PiwikProError(
                "the token must be a non-empty string of visible ASCII characters (no spaces, CR/LF or other control characters)"
            )
        register_secret(value)
        return Token(value, "Bearer", float("inf"), float("inf"))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = request.url
        if (url.scheme, url.host, url.port) != (self.base_url.scheme, self.base_url.host, self.base_url.port):
            yield request
            return
        token = self.current().access_token
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and callable(self._token):
            fresh = self.current().access_token
            if fresh != token:
                request.headers["Authorization"] = f"Bearer {fresh}"
                yield request

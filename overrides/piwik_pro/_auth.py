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
same pool, retries and logging as the API calls.

`StaticTokenAuth` sends a token the caller supplies (a string, or a callable
asked for the token on every request and once more after a 401).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import httpx

from ._errors import AuthenticationError, PiwikProError, make_status_error
from ._logging import logger, register_secret
from ._retry import IDEMPOTENT_EXTENSION

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
    """Where tokens outlive the process (the CLI plugs in a 0600 file cache per profile)."""

    def load(self) -> Token | None: ...

    def save(self, token: Token) -> None: ...


class _TokenCache:
    """The one token cache a client and all its `with_options` copies share."""

    def __init__(self, store: TokenStore | None, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        self.token: Token | None = None
        self._loaded = store is None
        self.thread_lock = threading.Lock()
        self._async_locks: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}

    def async_lock(self) -> asyncio.Lock:
        # asyncio.Lock binds to one event loop; keep one per loop (tests and apps may run several).
        loop = asyncio.get_running_loop()
        entry = self._async_locks.get(id(loop))
        if entry is None or entry[0] is not loop:
            entry = (loop, asyncio.Lock())
            self._async_locks = {k: v for k, v in self._async_locks.items() if not v[0].is_closed()}
            self._async_locks[id(loop)] = entry
        return entry[1]

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

    def put(self, token: Token) -> None:
        self.token = token
        if self.store is not None:
            try:
                self.store.save(token)
            except Exception as exc:
                logger.warning("token store save failed (%s); the token is cached in memory only", type(exc).__name__)


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
        register_secret(client_secret)
        self.cache = _TokenCache(token_store, clock)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret='[REDACTED]')"

    # -- building and reading the token request ---------------------------------------------

    def token_request(self) -> httpx.Request:
        body = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        return httpx.Request(
            "POST",
            self.base_url.copy_with(path=self.base_url.path.rstrip("/") + TOKEN_PATH),
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            # Asking for a token changes nothing server-side: retry it like a GET.
            extensions={IDEMPOTENT_EXTENSION: True},
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
        try:
            data = response.json()
            access_token = str(data["access_token"])
            expires_in = float(data.get("expires_in") or 1800)
            token_type = str(data.get("token_type") or "Bearer")
        except (ValueError, KeyError, TypeError) as exc:
            raise PiwikProError(
                f"the token endpoint {response.request.url} answered {response.status_code} without a usable "
                "access_token; check the host (it must be your Piwik PRO account URL)"
            ) from exc
        register_secret(access_token)
        token = Token(access_token, token_type, expires_in, self.cache.clock() + expires_in)
        logger.debug("fetched a new access token (expires in %ss)", int(expires_in))
        self.cache.put(token)
        return token

    def _ours(self, request: httpx.Request) -> bool:
        # Never hand our token to another origin (an absolute URL passed to pp.request, a redirect).
        url = request.url
        return (url.scheme, url.host, url.port) == (self.base_url.scheme, self.base_url.host, self.base_url.port)

    # -- the flows ------------------------------------------------------------------------------

    def obtain_sync(self, not_this: str | None = None) -> Generator[httpx.Request, httpx.Response, Token]:
        """Sub-flow: the fresh token, fetching it (once, under the lock) if needed."""
        token = self.cache.fresh(not_this)
        if token is not None:
            return token
        with self.cache.thread_lock:
            token = self.cache.fresh(not_this)
            if token is not None:  # another thread fetched it while we waited
                return token
            response = yield self.token_request()
            response.read()
            return self.accept_token_response(response)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._ours(request):
            yield request
            return
        token = yield from self.obtain_sync()
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code == 401:
            logger.debug("401 for %s %s; refreshing the token once", request.method, request.url.path)
            # Read (and so release the connection) before waiting for the lock: waiters holding
            # pooled connections would starve the one fetching the token.
            response.read()
            token = yield from self.obtain_sync(not_this=token.access_token)
            request.headers["Authorization"] = f"Bearer {token.access_token}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not self._ours(request):
            yield request
            return
        used: str | None = None
        for _ in range(2):  # the first send, and at most one retry after a 401
            token = self.cache.fresh(used)
            if token is None:
                async with self.cache.async_lock():
                    token = self.cache.fresh(used)
                    if token is None:
                        response = yield self.token_request()
                        await response.aread()
                        token = self.accept_token_response(response)
            request.headers["Authorization"] = f"Bearer {token.access_token}"
            response = yield request
            if response.status_code != 401:
                return
            logger.debug("401 for %s %s; refreshing the token once", request.method, request.url.path)
            await response.aread()  # release the connection before waiting for the lock (see sync flow)
            used = token.access_token


class StaticTokenAuth(httpx.Auth):
    """A token the caller supplies: a string, or a callable returning one (asked again after a 401)."""

    def __init__(self, base_url: httpx.URL, token: str | Callable[[], str]) -> None:
        self.base_url = base_url
        self._token = token
        if isinstance(token, str):
            register_secret(token)

    def __repr__(self) -> str:
        return "StaticTokenAuth(token='[REDACTED]')"

    def current(self) -> Token:
        value = self._token() if callable(self._token) else self._token
        if not isinstance(value, str) or not value:
            raise PiwikProError("the token callable must return a non-empty string")
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

"""PiwikPro and AsyncPiwikPro: one authenticated client over every generated API.

A client owns one connection pool (sync, and async when asked for) and one
token cache. `with_options()` copies share both and differ only in retries and
timeout. The clients satisfy `piwik_pro._base.ClientLike`, so they can be passed
as `client=` to any generated endpoint function; the generated `*_detailed`
functions call `get_httpx_client()`, whose transport adds retries and whose auth
adds the token.

Operations are typed attributes generated per doc (`piwik_pro_api._resources`:
`pp.users.list_users(...)`, `pp.tag_manager.tags.list_tags(...)`); a doc's
resources and endpoint modules are imported when first reached.
"""

from __future__ import annotations

import ipaddress
import json as jsonlib
import os
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._auth import ClientCredentialsAuth, StaticTokenAuth, Token, TokenStore, _TokenCache, drive_async, drive_sync
from ._base import raise_for_status
from ._logging import setup_from_env
from ._operations import JSON_API, OperationInfo, find_operation, match_path
from ._pagination import apaginate, paginate
from ._retry import DEFAULT_MAX_RESPONSE_BYTES, AsyncRetryTransport, RetryTransport

if TYPE_CHECKING:
    from piwik_pro_api._resources import AsyncApis, SyncApis
else:
    try:
        from piwik_pro_api._resources import AsyncApis, SyncApis
    except ModuleNotFoundError as exc:  # not generated yet: request() and fetch_token() still work
        if exc.name not in ("piwik_pro_api", "piwik_pro_api._resources"):
            raise
        SyncApis = AsyncApis = object

__all__ = ["DEFAULT_TIMEOUT", "AsyncPiwikPro", "PiwikPro"]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # analytics queries can take a while to answer
DEFAULT_MAX_RETRIES = 2
ENV_HOST, ENV_CLIENT_ID, ENV_CLIENT_SECRET = "PIWIK_PRO_HOST", "PIWIK_PRO_CLIENT_ID", "PIWIK_PRO_CLIENT_SECRET"
_NOT_GIVEN: Any = object()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("piwik-pro-client")
    except Exception:
        return "0.0.0"


USER_AGENT = f"piwik-pro-client/{_version()} httpx/{httpx.__version__}"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_host(host: str, *, allow_insecure_http: bool = False) -> httpx.URL:
    """`acme.piwik.pro` -> `https://acme.piwik.pro`; refuses plain http:// except loopback or by opt-in."""
    if not isinstance(host, str) or not host.strip():
        raise ValueError(f"host must be your Piwik PRO account URL, like https://acme.piwik.pro (got {host!r})")
    text = host.strip().rstrip("/")
    if _UNSENDABLE.search(text):
        raise ValueError(
            f"host must be a URL like https://acme.piwik.pro, without spaces or control characters (got {host!r})"
        )
    if "://" not in text:
        text = "https://" + text
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        raise ValueError(f"host must be a URL like https://acme.piwik.pro (got {host!r})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"host must be an https:// URL like https://acme.piwik.pro (got {host!r})")
    if url.port is not None and not 0 < url.port < 65536:
        raise ValueError(f"host has port {url.port}; a port is 1-65535 (got {host!r})")
    if url.userinfo:
        # Userinfo would show in reprs and logs and travel as Basic auth: credentials go elsewhere.
        raise ValueError(
            f"host must not contain a user name or password ({url.scheme}://USER:PASSWORD@{url.host}): "
            f"use {url.copy_with(username=None, password=None, query=None, fragment=None)} and pass the API "
            "credentials as client_id and client_secret"
        )
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ValueError(
            f"refusing plain http:// for {url.host}: credentials and tokens would travel unencrypted. "
            "Use https://, or pass allow_insecure_http=True if you really mean it."
        )
    return url.copy_with(query=None, fragment=None)


# What no URL or header may carry (CR/LF would split the request; spaces and controls are never valid).
_UNSENDABLE = re.compile(r"[\x00-\x20\x7f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")  # visible ASCII, space and tab


def _check_request_parts(method: str, path: str, headers: Mapping[str, str] | None) -> None:
    """ValueError naming the argument for what httpx would refuse with a less helpful exception (or send)."""
    if not isinstance(method, str) or not _HEADER_NAME.fullmatch(method):
        raise ValueError(f"method must be an HTTP method like GET or POST (got {method!r})")
    if not isinstance(path, str) or _UNSENDABLE.search(path):
        raise ValueError(
            f"path must be a URL path like /api/users/v2, without spaces or control characters such as CR/LF "
            f"(got {path!r}); pass query values in params="
        )
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"headers: {name!r} is not a valid header name (letters, digits and -)")
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            # The value is not echoed: it may be a credential.
            raise ValueError(
                f"headers[{name!r}] must be a string of printable ASCII characters (no CR/LF, other control "
                "characters or non-ASCII text)"
            )


def _checked_max_response_bytes(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"max_response_bytes must be a number of bytes >= 0, or None for no cap (got {value!r})")
    return value


def _json_api_shaped(body: Any) -> bool:
    """A JSON:API document: top-level `data` that is a resource object (or a list of them) with a `type`."""
    if not isinstance(body, Mapping) or "data" not in body:
        return False
    data = body["data"]
    items = data if isinstance(data, list) else [data]
    return bool(items) and all(isinstance(i, Mapping) and "type" in i for i in items)


class _Shared:
    """What a client and its `with_options` copies share: base URL, auth (token cache) and pools."""

    def __init__(
        self,
        base_url: httpx.URL,
        auth: ClientCredentialsAuth | StaticTokenAuth,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        self.base_url = base_url
        self.auth = auth
        self.lock = threading.Lock()
        self._sync: httpx.BaseTransport | None = None
        self._async: httpx.AsyncBaseTransport | None = None
        self.owns_sync = self.owns_async = True
        # A caller-configured httpx client lends us its transport (TLS, proxy, limits); the caller closes it.
        if isinstance(http_client, httpx.Client):
            self._sync, self.owns_sync = http_client._transport, False
        elif isinstance(http_client, httpx.AsyncClient):
            self._async, self.owns_async = http_client._transport, False
        elif http_client is not None:
            raise TypeError(
                f"http_client must be an httpx.Client or httpx.AsyncClient, not {type(http_client).__name__}"
            )

    def sync_transport(self) -> httpx.BaseTransport:
        if self._sync is None:
            self._sync = httpx.HTTPTransport()
        return self._sync

    def async_transport(self) -> httpx.AsyncBaseTransport:
        if self._async is None:
            self._async = httpx.AsyncHTTPTransport()
        return self._async

    def close(self) -> None:
        if self._sync is not None and self.owns_sync:
            self._sync.close()

    async def aclose(self) -> None:
        self.close()
        if self._async is not None and self.owns_async:
            await self._async.aclose()


_Self = TypeVar("_Self", bound="_BaseClient")


class _BaseClient:
    def __init__(
        self,
        host: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        token: str | Callable[[], str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        allow_insecure_http: bool = False,
        token_store: TokenStore | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        setup_from_env()
        base_url = normalize_host(host, allow_insecure_http=allow_insecure_http)
        auth: ClientCredentialsAuth | StaticTokenAuth
        if token is not None:
            if client_id or client_secret:
                raise ValueError("pass either token= or client_id/client_secret, not both")
            auth = StaticTokenAuth(base_url, token)
        elif client_id and client_secret:
            auth = ClientCredentialsAuth(base_url, client_id, client_secret, token_store=token_store)
        else:
            missing = " and ".join(n for n, v in (("client_id", client_id), ("client_secret", client_secret)) if not v)
            raise ValueError(
                f"{missing} missing: pass client_id and client_secret (API credentials from Piwik PRO: "
                f"Menu > Profile > API credentials), set {ENV_CLIENT_ID} / {ENV_CLIENT_SECRET} and use "
                "from_env(), or pass token="
            )
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0 (got {max_retries})")
        self._shared = _Shared(base_url, auth, http_client)
        self._owner = True
        self.max_retries = max_retries
        self.max_response_bytes = _checked_max_response_bytes(max_response_bytes)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._sync_client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None

    @classmethod
    def from_env(cls: type[_Self], **kwargs: Any) -> _Self:
        """Build a client from PIWIK_PRO_HOST, PIWIK_PRO_CLIENT_ID and PIWIK_PRO_CLIENT_SECRET (kwargs win)."""
        host = kwargs.pop("host", None) or os.environ.get(ENV_HOST)
        if not host:
            raise ValueError(f"{ENV_HOST} is not set: export {ENV_HOST}=https://<account>.piwik.pro")
        if kwargs.get("token") is None:
            kwargs.setdefault("client_id", os.environ.get(ENV_CLIENT_ID))
            kwargs.setdefault("client_secret", os.environ.get(ENV_CLIENT_SECRET))
        return cls(host, **kwargs)

    # -- configuration ----------------------------------------------------------------------

    @property
    def base_url(self) -> httpx.URL:
        return self._shared.base_url

    @property
    def raise_on_unexpected_status(self) -> bool:
        # Generated *_detailed functions must never raise for status; sync()/asyncio() raise typed errors.
        return False

    def with_options(
        self: _Self,
        *,
        max_retries: int | None = None,
        timeout: httpx.Timeout | float | None = _NOT_GIVEN,
        max_response_bytes: int | None = _NOT_GIVEN,
    ) -> _Self:
        """A copy with other retries/timeout/body cap, sharing this client's pool and token cache."""
        copy = object.__new__(type(self))
        copy._shared = self._shared
        copy._owner = False
        copy.max_retries = self.max_retries if max_retries is None else max_retries
        copy.max_response_bytes = (
            self.max_response_bytes
            if max_response_bytes is _NOT_GIVEN
            else _checked_max_response_bytes(max_response_bytes)
        )
        if timeout is _NOT_GIVEN:
            copy.timeout = self.timeout
        else:
            copy.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        copy._sync_client = None
        copy._async_client = None
        return copy

    def __repr__(self) -> str:
        auth = self._shared.auth
        who = f"client_id={auth.client_id!r}" if isinstance(auth, ClientCredentialsAuth) else "token='[REDACTED]'"
        return f"{type(self).__name__}(host={str(self.base_url)!r}, {who}, max_retries={self.max_retries})"

    # -- the httpx clients generated code uses ----------------------------------------------

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self._shared.base_url,
            "auth": self._shared.auth,
            "timeout": self.timeout,
            "headers": {"User-Agent": USER_AGENT},
            "follow_redirects": False,  # a redirect must not carry our token elsewhere
        }

    def get_httpx_client(self) -> httpx.Client:
        client = self._sync_client
        if client is None:
            with self._shared.lock:
                client = self._sync_client
                if client is None:
                    transport = RetryTransport(
                        self._shared.sync_transport(),
                        self.max_retries,
                        owns_inner=False,
                        max_response_bytes=self.max_response_bytes,
                    )
                    client = self._sync_client = httpx.Client(transport=transport, **self._client_kwargs())
        return client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        client = self._async_client
        if client is None:
            with self._shared.lock:
                client = self._async_client
                if client is None:
                    transport = AsyncRetryTransport(
                        self._shared.async_transport(),
                        self.max_retries,
                        owns_inner=False,
                        max_response_bytes=self.max_response_bytes,
                    )
                    client = self._async_client = httpx.AsyncClient(transport=transport, **self._client_kwargs())
        return client

    # -- raw requests -----------------------------------------------------------------------

    def _build_request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        content_type: str | None,
        headers: Mapping[str, str] | None,
        client: httpx.Client | httpx.AsyncClient,
    ) -> httpx.Request:
        sent_headers = dict(headers or {})
        if content_type is not None:
            sent_headers["Content-Type"] = content_type
        _check_request_parts(method, path, sent_headers)
        if not path.startswith("/"):  # an absolute URL is fine only on our own host
            try:
                url = httpx.URL(path)
            except httpx.InvalidURL:
                raise ValueError(
                    f"path must be a path like /api/users/v2 or a URL on this host (got {path!r})"
                ) from None
            base = self._shared.base_url
            if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
                raise ValueError(f"request() takes a path on {base} (like /api/users/v2), not {url.host or path!r}")
            path = url.raw_path.decode("ascii")
        method = method.upper()
        op = match_path(method, path)
        accept = (op.accept if op else None) or (JSON_API if _json_api_shaped(json) else "application/json")
        merged = {"Accept": accept}
        content = None
        if json is not None:
            if content_type is None:
                content_type = op.request_content_type if op and op.request_content_type else None
            if content_type is None:
                content_type = JSON_API if _json_api_shaped(json) else "application/json"
            content = jsonlib.dumps(json).encode()
            merged["Content-Type"] = content_type
        merged.update(headers or {})
        return client.build_request(method, path, params=params, content=content, headers=merged)

    # -- operations -------------------------------------------------------------------------

    if not TYPE_CHECKING:  # static checkers must see only the typed attributes (a typo is an error there)

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            from ._operations import no_such_attribute

            apis = AsyncApis if isinstance(self, AsyncPiwikPro) else SyncApis
            raise no_such_attribute(type(self).__name__, self, name, "attribute or API", "the APIs are", apis)

    def _operation(self, operation: str | OperationInfo | Any) -> OperationInfo:
        if isinstance(operation, OperationInfo):
            return operation
        qualified = getattr(operation, "operation", None)  # pp.users.list_users (a generated resource operation)
        if isinstance(qualified, str):
            return find_operation(qualified)
        if isinstance(operation, str):
            return find_operation(operation)
        raise TypeError(f"operation must be a name, an OperationInfo or pp.<api>.<operation>, not {operation!r}")


class PiwikPro(_BaseClient, SyncApis):
    """The Piwik PRO API client (sync). `AsyncPiwikPro` is its async twin.

    >>> with PiwikPro("https://acme.piwik.pro", client_id, client_secret) as pp:
    ...     users = pp.users.list_users(limit=10)
    """

    def __enter__(self) -> PiwikPro:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (copies made by with_options() share it; closing those does nothing)."""
        if self._owner:
            if self._sync_client is not None:
                self._sync_client.close()
            self._shared.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A raw call with the token, the operation's media types, retries and typed errors.

        The body's Content-Type is the operation's (looked up by method and path in the
        operation index); for paths the index does not know, a JSON:API-shaped body goes as
        application/vnd.api+json and anything else as application/json. `content_type` overrides.
        """
        client = self.get_httpx_client()
        request = self._build_request(method, path, params, json, content_type, headers, client)
        response = client.send(request)
        raise_for_status(response)
        return response

    def fetch_token(self, force_refresh: bool = False) -> Token:
        """The current access token, fetched if none is cached (or `force_refresh`)."""
        auth = self._shared.auth
        if isinstance(auth, StaticTokenAuth):
            return auth.current()
        stale = _token_to_replace(auth.cache, force_refresh)
        client = self.get_httpx_client()
        flow = auth.obtain_sync(stale, self.timeout.as_dict())
        return drive_sync(flow, lambda request: client.send(request, auth=None))

    def paginate(self, operation: str | OperationInfo | Any, **kwargs: Any) -> Iterator[Any]:
        """Iterate over every item of a list operation, page by page (see piwik_pro._pagination)."""
        info = self._operation(operation)
        module = info.load()

        def detailed(**kw: Any) -> Any:
            return module.sync_detailed(client=self, **kw)

        return paginate(info, detailed, kwargs)


class AsyncPiwikPro(_BaseClient, AsyncApis):
    """The async twin of PiwikPro: operations are coroutines, paginate() is an async iterator."""

    async def __aenter__(self) -> AsyncPiwikPro:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owner:
            if self._async_client is not None:
                await self._async_client.aclose()
            if self._sync_client is not None:
                self._sync_client.close()
            await self._shared.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """See PiwikPro.request."""
        client = self.get_async_httpx_client()
        request = self._build_request(method, path, params, json, content_type, headers, client)
        response = await client.send(request)
        raise_for_status(response)
        return response

    async def fetch_token(self, force_refresh: bool = False) -> Token:
        """See PiwikPro.fetch_token."""
        auth = self._shared.auth
        if isinstance(auth, StaticTokenAuth):
            return auth.current()
        stale = _token_to_replace(auth.cache, force_refresh)
        client = self.get_async_httpx_client()
        flow = auth.obtain_async(stale, self.timeout.as_dict())
        return await drive_async(flow, lambda request: client.send(request, auth=None))

    def paginate(self, operation: str | OperationInfo | Any, **kwargs: Any) -> AsyncIterator[Any]:
        """See PiwikPro.paginate; use `async for`."""
        info = self._operation(operation)
        module = info.load()

        async def detailed(**kw: Any) -> Any:
            return await module.asyncio_detailed(client=self, **kw)

        return apaginate(info, detailed, kwargs)


def _token_to_replace(cache: _TokenCache, force_refresh: bool) -> str | None:
    """With force_refresh, the token a refresh must replace (the store is consulted first)."""
    if not force_refresh:
        return None
    current = cache.fresh()
    return current.access_token if current is not None else None

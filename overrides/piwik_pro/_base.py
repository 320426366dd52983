"""The one base module every generated operation calls into.

Generated endpoint functions take `client: ClientLike` and call
`raise_for_status(response)` from their non-detailed forms, so transport
concerns (auth, retries, errors) are written once, here and in the client.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn, Protocol, runtime_checkable

import httpx

from ._errors import APIResponseValidationError, UnexpectedStatusError, _snippet, make_status_error

__all__ = ["ClientLike", "raise_for_status", "raise_invalid_body"]


@runtime_checkable
class ClientLike(Protocol):
    """What a generated operation needs from a client (PiwikPro satisfies it)."""

    @property
    def raise_on_unexpected_status(self) -> bool: ...

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


class _HasStatus(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> httpx.Headers: ...


def raise_for_status(response: _HasStatus, success: Collection[int] | None = None) -> None:
    """Raise the typed error (see piwik_pro._errors) unless the response is a success.

    4xx/5xx raise their status error; any 3xx raises UnexpectedStatusError; with
    `success` (the statuses the operation documents as success), a 1xx/2xx not in it
    raises UnexpectedStatusError too. Takes a generated `Response` or an `httpx.Response`.
    """
    status = int(response.status_code)
    raw = response if isinstance(response, httpx.Response) else None
    if status >= 400:
        raise make_status_error(status, response.content, response.headers, response=raw)
    if 300 <= status < 400 or (success is not None and status not in success):
        raise make_status_error(status, response.content, response.headers, response=raw, cls=UnexpectedStatusError)


def raise_invalid_body(response: _HasStatus, cause: BaseException, expected: str | None = None) -> NoReturn:
    """Raise APIResponseValidationError for a success response whose body is not what the doc says.

    `expected` names what the doc promises (a media type or a model), for the message.
    """
    status = int(response.status_code)
    snippet = _snippet(response.content)
    what = f" (expected {expected})" if expected else ""
    raise APIResponseValidationError(
        f"HTTP {status}: the body is not what the API documents{what}: {type(cause).__name__}; body: {snippet}",
        status_code=status,
        headers=response.headers,
        body_snippet=snippet,
        response=response if isinstance(response, httpx.Response) else None,
    ) from cause

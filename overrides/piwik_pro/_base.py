"""The one base module every generated operation calls into.

Generated endpoint functions take `client: ClientLike` and call
`raise_for_status(response)` from their non-detailed forms, so transport
concerns (auth, retries, errors) are written once, here and in the client.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import httpx

from ._errors import make_status_error

__all__ = ["ClientLike", "raise_for_status"]


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


def raise_for_status(response: _HasStatus) -> None:
    """Raise the typed error (see piwik_pro._errors) for a 4xx/5xx response; do nothing otherwise.

    Takes a generated `Response` (status_code, content, headers) or an `httpx.Response`.
    """
    status = int(response.status_code)
    if status >= 400:
        raise make_status_error(
            status,
            response.content,
            response.headers,
            response=response if isinstance(response, httpx.Response) else None,
        )

"""Retries, written once at the transport level so every generated operation gets them.

Retried: connection failures, and the statuses 408, 429, 500, 502, 503, 504.
Waits grow exponentially with jitter; a Retry-After header is honoured when it
is at most MAX_RETRY_AFTER seconds (longer asks are handed to the caller as a
RateLimitError / error with `.retry_after`, not slept through).

POST, PATCH and DELETE change state, so they are retried only when the
server certainly did not process them: the connection was never made, or the
answer was 429, or 503 with Retry-After. A read timeout or a dropped
connection after sending is never retried for them (an invite is never sent
twice). Requests marked with the extension `piwik_pro.idempotent` (the token
request) are retried like GET.

After the last attempt a transport failure is raised as APIConnectionError /
APITimeoutError (the httpx exception is its `__cause__`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Mapping

import httpx

from ._errors import APIConnectionError, APITimeoutError
from ._logging import logger

__all__ = ["AsyncRetryTransport", "RetryTransport", "parse_retry_after"]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UNSAFE_METHODS = frozenset({"POST", "PATCH", "DELETE"})
IDEMPOTENT_EXTENSION = "piwik_pro.idempotent"
# Tunables (module-level so tests can shrink them).
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

# Failures where the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from `retry-after-ms` / `Retry-After` (seconds or an HTTP date); None if absent or bad."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _unsafe(request: httpx.Request) -> bool:
    return request.method in UNSAFE_METHODS and not request.extensions.get(IDEMPOTENT_EXTENSION)


def _retry_exception(request: httpx.Request, exc: httpx.TransportError) -> bool:
    if isinstance(exc, _NOT_SENT):
        return True
    # Sent, maybe processed: only idempotent requests may go again.
    return not _unsafe(request) and isinstance(
        exc, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
    )


def _status_delay(request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
    """How long to wait before retrying this answer, or None to hand it to the caller."""
    status = response.status_code
    if status not in RETRY_STATUSES:
        return None
    retry_after = parse_retry_after(response.headers)
    if _unsafe(request) and not (status == 429 or (status == 503 and retry_after is not None)):
        return None
    if retry_after is not None:
        return retry_after if retry_after <= MAX_RETRY_AFTER else None
    return _backoff(attempt)


def _backoff(attempt: int) -> float:
    delay: float = min(MAX_DELAY, INITIAL_DELAY * (2**attempt))
    return delay * (1 - 0.25 * random.random())  # jitter: spread clients that failed together


def _wrap(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    what = type(exc).__name__
    return cls(f"{what} on {request.method} {request.url.copy_with(query=None)}: {exc or 'no detail'}", request=request)


def _log_retry(request: httpx.Request, reason: str, delay: float, attempt: int, max_retries: int) -> None:
    logger.info(
        "retrying %s %s in %.2fs (%s; retry %d of %d)",
        request.method,
        request.url.path,
        delay,
        reason,
        attempt + 1,
        max_retries,
        # Structured, for the CLI's -v ("attempt 2/3 after 503, waiting 0.8 s").
        extra={
            "piwik_pro_retry": {"attempt": attempt + 2, "attempts": max_retries + 1, "reason": reason, "delay": delay}
        },
    )


def _log_response(request: httpx.Request, response: httpx.Response) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        request_id = response.headers.get("x-request-id")
        logger.debug(
            "%s %s -> %d%s",
            request.method,
            request.url.copy_with(query=None),
            response.status_code,
            f" (request id {request_id})" if request_id else "",
        )


class RetryTransport(httpx.BaseTransport):
    """Wraps the pooled transport; several of these (one per `with_options`) may share one pool."""

    def __init__(self, inner: httpx.BaseTransport, max_retries: int, *, owns_inner: bool) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self._owns_inner = owns_inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                if attempt < self.max_retries and _retry_exception(request, exc):
                    delay = _backoff(attempt)
                    _log_retry(request, type(exc).__name__, delay, attempt, self.max_retries)
                    time.sleep(delay)
                    attempt += 1
                    continue
                raise _wrap(exc, request) from exc
            _log_response(request, response)
            if attempt < self.max_retries:
                wait = _status_delay(request, response, attempt)
                if wait is not None:
                    response.close()
                    _log_retry(request, f"HTTP {response.status_code}", wait, attempt, self.max_retries)
                    time.sleep(wait)
                    attempt += 1
                    continue
            return response

    def close(self) -> None:
        if self._owns_inner:
            self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of RetryTransport (same policy)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_retries: int, *, owns_inner: bool) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self._owns_inner = owns_inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                if attempt < self.max_retries and _retry_exception(request, exc):
                    delay = _backoff(attempt)
                    _log_retry(request, type(exc).__name__, delay, attempt, self.max_retries)
                    await asyncio.sleep(delay)
                    attempt += 1
                    continue
                raise _wrap(exc, request) from exc
            _log_response(request, response)
            if attempt < self.max_retries:
                wait = _status_delay(request, response, attempt)
                if wait is not None:
                    await response.aclose()
                    _log_retry(request, f"HTTP {response.status_code}", wait, attempt, self.max_retries)
                    await asyncio.sleep(wait)
                    attempt += 1
                    continue
            return response

    async def aclose(self) -> None:
        if self._owns_inner:
            await self.inner.aclose()

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

One attempt is connect, send and the whole body, under one deadline: the
largest of the request's timeouts (connect/read/write/pool). A body trickled
byte by byte ends at the deadline with APITimeoutError, not after one read
timeout per byte. The body is read here, streaming, and a body past
`max_response_bytes` (decoded) ends with ResponseTooLargeError before it is
held whole; a Content-Length past it fails before reading anything. The
response handed on carries the decoded body (its Content-Encoding dropped).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    PiwikProError,
    ResponseTooLargeError,
)
from ._logging import logger, redact

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "FAILURE_EXTENSION",
    "AsyncRetryTransport",
    "RetryTransport",
    "attempt_budget",
    "parse_retry_after",
    "requested_timeouts",
]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UNSAFE_METHODS = frozenset({"POST", "PATCH", "DELETE"})
IDEMPOTENT_EXTENSION = "piwik_pro.idempotent"
# Where the transport leaves the error a request finally failed with (the token flow passes it on to
# the callers that waited for that request).
FAILURE_EXTENSION = "piwik_pro.failure"
# The timeouts the caller asked for (the transport narrows the "timeout" extension to the deadline).
_BUDGET_EXTENSION = "piwik_pro.timeout"
DEFAULT_MAX_RESPONSE_BYTES = 64 * 2**20
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
    # httpx quotes what it could not send (an illegal header value may be a token): redact.
    message = f"{what} on {request.method} {request.url.copy_with(query=None)}: {exc or 'no detail'}"
    return cls(redact(message), request=request)


# -- one attempt: deadline and size cap ---------------------------------------------------------


def requested_timeouts(request: httpx.Request) -> dict[str, Any]:
    """The timeouts the caller gave this request (before any attempt narrowed them)."""
    original = request.extensions.get(_BUDGET_EXTENSION)
    return dict(original if original is not None else request.extensions.get("timeout") or {})


def attempt_budget(timeouts: Mapping[str, Any] | None) -> float | None:
    """Seconds one attempt may take: the largest of the timeouts set (None: no limit)."""
    values = [float(v) for v in (timeouts or {}).values() if v is not None]
    return max(values) if values else None


def _start_attempt(request: httpx.Request) -> tuple[float | None, float | None]:
    """The attempt's budget and monotonic deadline; narrows the request's timeouts to it."""
    original = request.extensions.get(_BUDGET_EXTENSION)
    if original is None:
        original = request.extensions[_BUDGET_EXTENSION] = dict(request.extensions.get("timeout") or {})
    budget = attempt_budget(original)
    deadline = None if budget is None else time.monotonic() + budget
    _narrow_timeouts(request, deadline)
    return budget, deadline


def _narrow_timeouts(request: httpx.Request, deadline: float | None) -> None:
    # httpcore applies these per socket operation (and reads them when each phase starts).
    if deadline is None:
        return
    remaining = max(0.001, deadline - time.monotonic())
    original = request.extensions[_BUDGET_EXTENSION]
    request.extensions["timeout"] = {
        key: remaining if original.get(key) is None else min(float(original[key]), remaining)
        for key in ("connect", "read", "write", "pool")
    }


def _deadline_error(budget: float | None) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"no complete answer within {budget:g}s (the timeout bounds connect, send and the body)")


def _check_announced_size(request: httpx.Request, response: httpx.Response, limit: int | None) -> None:
    if limit is None:
        return
    try:
        announced = int(response.headers.get("content-length", ""))
    except ValueError:
        return
    if announced > limit and "content-encoding" not in response.headers:
        raise _too_large(request, response, limit, f"announces {announced} bytes")


def _too_large(request: httpx.Request, response: httpx.Response, limit: int, what: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the answer to {request.method} {request.url.copy_with(query=None)} (HTTP {response.status_code}) {what}, "
        f"more than max_response_bytes={limit}; raise it with PiwikPro(..., max_response_bytes=N) or "
        "pp.with_options(max_response_bytes=N), or ask for less (a smaller page)",
        status_code=response.status_code,
        headers=response.headers,
        limit=limit,
    )


class _CappedBody:
    """The decoded body as it arrives, refused once it passes `limit` bytes (sync and async reads share it)."""

    def __init__(self, request: httpx.Request, response: httpx.Response, limit: int | None) -> None:
        self.request, self.response, self.limit = request, response, limit
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise _too_large(self.request, self.response, self.limit, f"is longer than {self.limit} bytes")
        self.chunks.append(chunk)

    def content(self) -> bytes:
        return b"".join(self.chunks)


def _decoding_error(request: httpx.Request, response: httpx.Response, exc: Exception) -> APIResponseValidationError:
    encoding = response.headers.get("content-encoding", "")
    return APIResponseValidationError(
        f"the answer to {request.method} {request.url.copy_with(query=None)} (HTTP {response.status_code}) "
        f"is not valid {encoding or 'encoded'} data: {exc}",
        status_code=response.status_code,
        headers=response.headers,
        body_snippet=None,
    )


def _decoded(response: httpx.Response, body: bytes) -> httpx.Response:
    """A response holding the decoded body, so httpx does not decode it again."""
    headers = response.headers.copy()
    # The body is now plain bytes of a known length; a HEAD answer's Content-Length is kept as sent.
    stale = ("content-encoding", "content-length", "transfer-encoding") if "content-encoding" in headers else ()
    for name in (*stale, "transfer-encoding"):
        if name in headers:
            del headers[name]
    return httpx.Response(response.status_code, headers=headers, content=body, extensions=response.extensions)


class _DeadlineStream(httpx.SyncByteStream):
    """The raw body, failing with a timeout once the attempt's deadline has passed."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float | None, budget: float | None) -> None:
        self.inner, self.deadline, self.budget = inner, deadline, budget

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _deadline_error(self.budget)
            yield chunk

    def close(self) -> None:
        self.inner.close()


def _read_sync(
    request: httpx.Request,
    response: httpx.Response,
    budget: float | None,
    deadline: float | None,
    limit: int | None,
) -> httpx.Response:
    _check_announced_size(request, response, limit)
    _narrow_timeouts(request, deadline)  # the body's socket reads get what is left, not a fresh timeout
    assert isinstance(response.stream, httpx.SyncByteStream)
    reader = httpx.Response(
        response.status_code, headers=response.headers, stream=_DeadlineStream(response.stream, deadline, budget)
    )
    body = _CappedBody(request, response, limit)
    try:
        for chunk in reader.iter_bytes():
            body.add(chunk)
    except httpx.DecodingError as exc:
        raise _decoding_error(request, response, exc) from exc
    finally:
        reader.close()
    return _decoded(response, body.content())


async def _read_async(request: httpx.Request, response: httpx.Response, limit: int | None) -> httpx.Response:
    _check_announced_size(request, response, limit)
    assert isinstance(response.stream, httpx.AsyncByteStream)
    # The deadline is the caller's wait_for; this only decodes and counts.
    reader = httpx.Response(response.status_code, headers=response.headers, stream=response.stream)
    body = _CappedBody(request, response, limit)
    try:
        async for chunk in reader.aiter_bytes():
            body.add(chunk)
    except httpx.DecodingError as exc:
        raise _decoding_error(request, response, exc) from exc
    finally:
        await reader.aclose()
    return _decoded(response, body.content())


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

    def __init__(
        self,
        inner: httpx.BaseTransport,
        max_retries: int,
        *,
        owns_inner: bool,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self._owns_inner = owns_inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions.pop(FAILURE_EXTENSION, None)
        try:
            return self._handle(request)
        except PiwikProError as exc:
            request.extensions[FAILURE_EXTENSION] = exc
            raise

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        budget, deadline = _start_attempt(request)
        response = self.inner.handle_request(request)
        try:
            return _read_sync(request, response, budget, deadline, self.max_response_bytes)
        finally:
            response.close()

    def _handle(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._attempt(request)
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

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        max_retries: int,
        *,
        owns_inner: bool,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self._owns_inner = owns_inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions.pop(FAILURE_EXTENSION, None)
        try:
            return await self._handle(request)
        except PiwikProError as exc:
            request.extensions[FAILURE_EXTENSION] = exc
            raise

    async def _send_and_read(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        try:
            return await _read_async(request, response, self.max_response_bytes)
        finally:
            await response.aclose()

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        budget, _ = _start_attempt(request)
        if budget is None:
            return await self._send_and_read(request)
        try:
            # A real deadline: the attempt is cancelled wherever it is (connect, send, headers, body).
            return await asyncio.wait_for(self._send_and_read(request), budget)
        except asyncio.TimeoutError:
            raise _deadline_error(budget) from None

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._attempt(request)
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
                    _log_retry(request, f"HTTP {response.status_code}", wait, attempt, self.max_retries)
                    await asyncio.sleep(wait)
                    attempt += 1
                    continue
            return response

    async def aclose(self) -> None:
        if self._owns_inner:
            await self.inner.aclose()

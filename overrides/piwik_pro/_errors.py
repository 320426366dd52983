"""One exception hierarchy for everything the client raises.

PiwikProError
├── APIConnectionError          the request did not get an HTTP answer
│   └── APITimeoutError
├── APIStatusError              the API answered 4xx/5xx, or a status the operation does not document
│   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
│   ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
│   ├── RateLimitError 429, InternalServerError 5xx
│   ├── UnexpectedStatusError   a 3xx, or a 1xx/2xx the operation does not document
│   └── (APIStatusError itself for any other status)
├── APIResponseValidationError  a success status whose body is not what the doc says
│   └── ResponseTooLargeError   a body longer than the client's max_response_bytes
└── BodyValidationError         (also a ValueError) JSON that does not fit a model: a dict body, from_dict

Status errors carry the parsed JSON:API `errors` list as `ErrorDetail`s; a
non-JSON body (an HTML proxy page, a truncated body) gives the same typed
error with a short snippet of the body instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ._logging import redact

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BodyValidationError",
    "ConflictError",
    "ErrorDetail",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "PiwikProError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "make_status_error",
]

_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid", "x-trace-id")
_SNIPPET_CHARS = 200


class PiwikProError(Exception):
    """Base class of every error this package raises."""


class APIConnectionError(PiwikProError):
    """No HTTP answer: DNS, refused connection, dropped connection, TLS, ..."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a JSON:API `errors` array."""

    status: str | None = None
    code: str | None = None
    title: str | None = None
    detail: str | None = None
    pointer: str | None = None  # source.pointer: where in the body
    parameter: str | None = None  # source.parameter: which query/path parameter
    meta: Mapping[str, Any] | None = None

    @classmethod
    def from_json(cls, obj: Any) -> ErrorDetail:
        if not isinstance(obj, Mapping):
            return cls(detail=_text(obj))
        source = obj.get("source")
        source = source if isinstance(source, Mapping) else {}
        meta = obj.get("meta")
        return cls(
            status=_text(obj.get("status")),
            code=_text(obj.get("code")),
            title=_text(obj.get("title")),
            detail=_text(obj.get("detail")),
            pointer=_text(source.get("pointer")),
            parameter=_text(source.get("parameter")),
            meta=meta if isinstance(meta, Mapping) else None,
        )

    def __str__(self) -> str:
        parts = [p for p in (self.title, self.detail) if p]
        text = " - ".join(dict.fromkeys(parts))  # title and detail are often the same text
        where = self.pointer or (f"parameter {self.parameter}" if self.parameter else None)
        extra = ", ".join(
            x for x in (f"code {self.code}" if self.code else None, f"at {where}" if where else None) if x
        )
        return f"{text} ({extra})" if extra else text or "(no detail)"


class APIStatusError(PiwikProError):
    """The API answered with an error status (4xx/5xx)."""

    status_code: int
    request_id: str | None
    errors: list[ErrorDetail]
    body_snippet: str | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: httpx.Headers,
        errors: list[ErrorDetail],
        body: object,
        body_snippet: str | None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers
        self.request_id = _request_id(headers)
        self.errors = errors
        self.body: object = body  # parsed JSON, or None when the body was not JSON
        self.body_snippet = body_snippet
        self.response = response

    @property
    def status(self) -> int:
        return self.status_code

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (Retry-After), if it said so."""
        from ._retry import parse_retry_after

        return parse_retry_after(self.headers)


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class UnexpectedStatusError(APIStatusError):
    """A status the operation does not document as its answer: any 3xx (redirects are never
    followed, so the token stays on its host), or a 1xx/2xx the doc does not list."""


class APIResponseValidationError(PiwikProError):
    """A documented success status whose body is not what the doc says: another media type,
    not UTF-8, not JSON, or JSON that does not fit the operation's model."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: httpx.Headers,
        body_snippet: str | None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers
        self.request_id = _request_id(headers)
        self.body_snippet = body_snippet
        self.response = response


class ResponseTooLargeError(APIResponseValidationError):
    """The body is longer than the client's `max_response_bytes` (it was not read whole)."""

    def __init__(self, message: str, *, status_code: int, headers: httpx.Headers, limit: int) -> None:
        super().__init__(message, status_code=status_code, headers=headers, body_snippet=None)
        self.limit = limit


class BodyValidationError(PiwikProError, ValueError):
    """A JSON value does not fit a generated model; raised by every model's `from_dict`, so a dict
    given as a request body is refused before anything is sent.

    `path` is the JSON path inside the value ("data.attributes.email", "" for the value itself),
    `model` the model the whole value was read as, `problem` what is wrong ("required", ...).
    """

    def __init__(self, path: str, problem: str, model: str) -> None:
        super().__init__(f"{path}: {problem} ({model})" if path else f"{problem} ({model})")
        self.path = path
        self.problem = problem
        self.model = model

    @classmethod
    def at(cls, exc: Exception, field: str | None, model: str) -> BodyValidationError:
        """The error for `exc`, raised while `model.from_dict` read `field` (None: the value itself)."""
        if isinstance(exc, BodyValidationError):  # from a nested model: one level up the path
            path = ".".join(p for p in (field, exc.path) if p)
            return cls(path, exc.problem, model)
        if field is None:
            return cls("", "expected a JSON object", model)
        if isinstance(exc, KeyError) and exc.args == (field,):
            return cls(field, "required", model)
        return cls(field, str(exc) or type(exc).__name__, model)

    @classmethod
    def best_fit(cls, value: Mapping[str, Any], models: tuple[type[Any], ...]) -> Any:
        """`value` (a union body given as a dict) read as the member that accounts for all of it.

        The choice is piwik_pro_api._unions.parse_union's, as for the CLI's `--data` and the
        generated union parsers: members often differ only in a nested enum or a field, and a
        lenient one may take a dict meant for another, so the member that sends `value` back as
        written wins, whatever the members' order; a dict every member would send with part of
        it lost is refused, naming the closest member.
        """
        from piwik_pro_api._unions import UnionMismatchError, parse_union

        try:
            return parse_union(value, [model.from_dict for model in models])
        except UnionMismatchError as exc:
            mismatch = exc
        problems: list[str] = []
        for model in models:  # only now, to say why: the members that refuse it, and how
            try:
                model.from_dict(value)
            except BodyValidationError as exc:
                problems.append(str(exc))
        if len(problems) < len(models):  # a member reads it, but loses part of it
            raise cls(mismatch.path.removeprefix("$").lstrip("."), mismatch.reason, mismatch.member) from None
        names = " | ".join(m.__name__ for m in models[:3]) + (" | ..." if len(models) > 3 else "")
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise cls("", f"fits none of the body's {len(models)} models: {shown}", names)


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


def make_status_error(
    status_code: int,
    content: bytes,
    headers: httpx.Headers | Mapping[str, str],
    *,
    response: httpx.Response | None = None,
    cls: type[APIStatusError] | None = None,
) -> APIStatusError:
    """Build the typed error for an error response (parsing its JSON:API body if it has one)."""
    headers = headers if isinstance(headers, httpx.Headers) else httpx.Headers(headers)
    body: Any = None
    errors: list[ErrorDetail] = []
    snippet: str | None = None
    try:
        body = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        snippet = _snippet(content)
    if isinstance(body, Mapping):
        raw = body.get("errors")
        if isinstance(raw, list):
            errors = [ErrorDetail.from_json(e) for e in raw]
        elif body.get("message") or body.get("error"):  # plain-JSON APIs: {"message": ...} / {"error": ...}
            errors = [ErrorDetail(detail=_text(body.get("message") or body.get("error")))]
    elif body is not None:
        snippet = _snippet(content)

    where = ""
    if response is not None:
        try:
            req = response.request
            where = f" for {req.method} {req.url.copy_with(query=None)}"
        except RuntimeError:  # an httpx.Response built without a request
            pass
    phrase = _reason(status_code)
    message = f"HTTP {status_code}{f' {phrase}' if phrase else ''}{where}"
    request_id = _request_id(headers)
    if request_id:
        message += f" (request id {request_id})"
    if errors:
        message += ": " + "; ".join(str(e) for e in errors[:5])
        if len(errors) > 5:
            message += f"; ... {len(errors) - 5} more"
    elif snippet:
        message += f": {snippet}"
    return (cls or error_class(status_code))(
        redact(message),
        status_code=status_code,
        headers=headers,
        errors=errors,
        body=body,
        body_snippet=snippet,
        response=response,
    )


def _request_id(headers: httpx.Headers) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def _reason(status_code: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _snippet(content: bytes) -> str:
    """A short, single-line, secret-free excerpt of a non-JSON body (HTML: its title, else its text)."""
    match = _TITLE.search(content[:4096])
    raw = match.group(1) if match else content[:4096]
    text = raw.decode("utf-8", "replace")
    if not match and b"<" in raw:
        text = _TAGS.sub(" ", text)
    text = _SPACE.sub(" ", html.unescape(text)).strip()
    if len(text) > _SNIPPET_CHARS:
        text = text[: _SNIPPET_CHARS - 3] + "..."
    return redact(text) or "(empty body)"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)

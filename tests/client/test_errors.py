"""The error hierarchy and raise_for_status (unit tests: built from response parts, no server)."""

from __future__ import annotations

import json

import httpx
import piwik_pro
import pytest
from piwik_pro import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PiwikProError,
    RateLimitError,
    UnprocessableEntityError,
)
from piwik_pro._base import raise_for_status


class GeneratedLikeResponse:
    """The shape of the generated `Response` (status_code, content, headers, parsed)."""

    def __init__(self, status_code: int, content: bytes, headers: dict[str, str] | None = None) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = httpx.Headers(headers or {})
        self.parsed = None


JSON_API_400 = {
    "errors": [
        {
            "status": "400",
            "code": "error.json-api-content-type",
            "title": "Invalid content type",
            "detail": "use application/vnd.api+json",
            "source": {"pointer": "/data/attributes/email"},
        },
        {"status": "400", "title": "Bad parameter", "source": {"parameter": "limit"}},
    ]
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_each_status_maps_to_its_class(status: int, cls: type[APIStatusError]) -> None:
    with pytest.raises(cls) as caught:
        raise_for_status(GeneratedLikeResponse(status, b"{}"))
    assert type(caught.value) is cls
    assert caught.value.status_code == status
    assert isinstance(caught.value, PiwikProError)


def test_success_does_not_raise() -> None:
    raise_for_status(GeneratedLikeResponse(200, b"not even json"))
    raise_for_status(GeneratedLikeResponse(204, b""))


def test_json_api_errors_are_parsed_into_details() -> None:
    headers = {"X-Request-Id": "req-42", "Content-Type": "application/vnd.api+json"}
    with pytest.raises(BadRequestError) as caught:
        raise_for_status(GeneratedLikeResponse(400, json.dumps(JSON_API_400).encode(), headers))
    err = caught.value
    assert err.request_id == "req-42"
    assert err.errors == [
        ErrorDetail(
            status="400",
            code="error.json-api-content-type",
            title="Invalid content type",
            detail="use application/vnd.api+json",
            pointer="/data/attributes/email",
        ),
        ErrorDetail(status="400", title="Bad parameter", parameter="limit"),
    ]
    text = str(err)
    assert "HTTP 400" in text and "req-42" in text
    assert "Invalid content type" in text and "/data/attributes/email" in text and "parameter limit" in text
    assert err.body == JSON_API_400
    assert err.body_snippet is None


def test_html_error_page_gives_typed_error_with_short_snippet() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>" + b"<p>nginx</p>" * 500 + b"</body></html>"
    with pytest.raises(InternalServerError) as caught:
        raise_for_status(GeneratedLikeResponse(502, page, {"Content-Type": "text/html"}))
    err = caught.value
    assert err.errors == []
    assert err.body_snippet == "502 Bad Gateway"
    assert "<" not in str(err)


def test_non_json_body_without_title_is_cut_short() -> None:
    with pytest.raises(InternalServerError) as caught:
        raise_for_status(GeneratedLikeResponse(500, b"x" * 5000))
    assert caught.value.body_snippet is not None
    assert len(caught.value.body_snippet) <= 200


def test_truncated_json_body_still_gives_typed_error() -> None:
    with pytest.raises(ConflictError) as caught:
        raise_for_status(GeneratedLikeResponse(409, b'{"errors": [{"title": "Us'))
    assert caught.value.body_snippet == '{"errors": [{"title": "Us'


def test_httpx_response_message_names_the_request() -> None:
    request = httpx.Request("GET", "https://acme.piwik.pro/api/users/v2?limit=1")
    response = httpx.Response(404, json={"errors": [{"title": "User does not exist"}]}, request=request)
    with pytest.raises(NotFoundError) as caught:
        raise_for_status(response)
    assert "GET https://acme.piwik.pro/api/users/v2" in str(caught.value)
    assert caught.value.response is response


def test_retry_after_is_exposed() -> None:
    with pytest.raises(RateLimitError) as caught:
        raise_for_status(GeneratedLikeResponse(429, b"{}", {"Retry-After": "7"}))
    assert caught.value.retry_after == 7.0


def test_secrets_in_error_bodies_are_redacted() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    body = json.dumps({"errors": [{"title": "bad", "detail": f"token {token} rejected, Bearer {token}"}]}).encode()
    with pytest.raises(AuthenticationError) as caught:
        raise_for_status(GeneratedLikeResponse(401, body))
    assert token not in str(caught.value)
    assert "[REDACTED]" in str(caught.value)


def test_hierarchy_is_exported() -> None:
    assert issubclass(piwik_pro.APITimeoutError, piwik_pro.APIConnectionError)
    assert issubclass(piwik_pro.APIConnectionError, PiwikProError)
    for cls in (BadRequestError, AuthenticationError, RateLimitError, InternalServerError):
        assert issubclass(cls, APIStatusError)


def test_parse_retry_after_forms() -> None:
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    from piwik_pro._retry import parse_retry_after

    assert parse_retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0
    assert parse_retry_after(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert parse_retry_after(httpx.Headers({})) is None
    assert parse_retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=120), usegmt=True)
    seconds = parse_retry_after(httpx.Headers({"Retry-After": later}))
    assert seconds is not None and 100 < seconds <= 120

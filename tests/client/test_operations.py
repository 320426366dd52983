"""The operation index as the client sees it, and the media types every operation sends.

The sandbox knows, from the fixed docs, which operations are JSON:API: a JSON:API body sent as
application/json gets its 400 `error.json-api-content-type`. Every operation that takes a body is
sent once through its generated function with PiwikPro as the client, and none may get that answer.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from typing import Any

import piwik_pro
import pytest
from piwik_pro import OperationInfo, PiwikPro
from piwik_pro._operations import match_path
from piwik_pro.sandbox import Sandbox

from .conftest import api_requests

MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;.*)?$")
JSON_API = "application/vnd.api+json"


def test_index_is_well_formed() -> None:
    ops = piwik_pro.operations()
    assert len(ops) > 100
    for info in ops:
        for media in (info.request_content_type, info.accept):
            assert media is None or MEDIA_TYPE.match(media), f"{info.qualified_name}: bad media type {media!r}"
        assert info.method in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
        assert info.path.startswith("/")
        assert info.pagination in (None, "offset_limit", "page")
        for param in info.parameters:
            assert param.python_name.isidentifier(), f"{info.qualified_name}: {param.python_name!r}"
            assert "<" not in param.type, f"{info.qualified_name}.{param.name}: type {param.type!r}"
        if info.body is not None:
            assert info.request_content_type, f"{info.qualified_name} has a body but no content type"


def test_every_operation_is_reachable_from_the_client() -> None:
    pp = PiwikPro("acme.piwik.pro", "id", "secret-value")
    for info in piwik_pro.operations():
        api: Any = pp
        for part in info.accessor.split("."):
            api = getattr(api, part)
        bound = getattr(api, info.name)
        assert piwik_pro.find_operation(bound.operation) == info
        assert "client" not in inspect.signature(bound).parameters
        assert callable(bound.detailed)
    assert {d.accessor.split(".")[0] for d in piwik_pro.docs()} <= set(dir(pp))


def test_unknown_names_are_clear_errors() -> None:
    pp = PiwikPro("acme.piwik.pro", "id", "secret-value")
    with pytest.raises(AttributeError, match="the APIs are"):
        pp.no_such_api  # noqa: B018
    first = piwik_pro.operations()[0]
    api: Any = pp
    for part in first.accessor.split("."):
        api = getattr(api, part)
    with pytest.raises(AttributeError, match="has no operation"):
        api.no_such_operation  # noqa: B018
    with pytest.raises(LookupError, match="unknown operation"):
        piwik_pro.find_operation("no_such_operation_anywhere")


def test_find_operation_by_plain_and_qualified_name() -> None:
    info = piwik_pro.operations()[0]
    assert piwik_pro.find_operation(info.qualified_name) == info
    assert piwik_pro.find_operation(f"{info.doc}.{info.name}") == info


def test_match_path_prefers_literal_segments() -> None:
    users = [op for op in piwik_pro.operations() if op.path.startswith("/api/users/v2")]
    me = next((op for op in users if op.path == "/api/users/v2/me" and op.method == "GET"), None)
    if me is None:
        pytest.skip("the users doc has no GET /api/users/v2/me")
    assert match_path("GET", "/api/users/v2/me") == me
    by_id = match_path("GET", "/api/users/v2/1a2b")
    assert by_id is not None and "{" in by_id.path


_VALUES: dict[str, Any] = {
    "int": 1,
    "str": "x",
    "bool": True,
    "float": 1.0,
    "UUID": "00000000-0000-0000-0000-000000000000",
}


class _StubBody:
    """Stands in for the body model: the generated code only calls to_dict() on it."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def to_dict(self) -> dict[str, Any]:
        return self.doc


def _stub_body(info: OperationInfo) -> Any:
    doc: dict[str, Any] = {"data": {"type": "x", "attributes": {}}} if info.request_content_type == JSON_API else {}
    annotation = str(inspect.signature(info.load().sync_detailed).parameters["body"].annotation)
    return [_StubBody(doc)] if annotation.startswith("list[") else _StubBody(doc)


def _arguments(info: OperationInfo) -> dict[str, Any] | None:
    kwargs: dict[str, Any] = {}
    for param in info.parameters:
        if param.location == "path":
            kwargs[param.python_name] = "1"
        elif param.required:
            if param.type not in _VALUES:
                return None  # an enum or model parameter: needs a real value, skip this operation
            kwargs[param.python_name] = _VALUES[param.type]
    return kwargs


@pytest.mark.timeout(120)
def test_no_json_api_body_is_ever_sent_as_plain_json(sandbox: Sandbox, pp: PiwikPro) -> None:
    sent = skipped = 0
    refused: list[str] = []
    for info in piwik_pro.operations():
        if info.body is None:
            continue
        kwargs = _arguments(info)
        if kwargs is None:
            skipped += 1
            continue
        try:
            response = info.load().sync_detailed(client=pp.with_options(max_retries=0), body=_stub_body(info), **kwargs)
        except (TypeError, AttributeError, ValueError):  # a union body the stub cannot stand in for
            skipped += 1
            continue
        sent += 1
        if b"error.json-api-content-type" in response.content:
            refused.append(f"{info.qualified_name} ({info.method} {info.path})")
    assert refused == []
    assert sent >= 0.8 * (sent + skipped), f"only {sent} of {sent + skipped} body operations exercised"
    with_body = [r for r in api_requests(sandbox) if r.body]
    assert len(with_body) >= sent
    for record in with_body:
        info = match_path(record.method, record.path)
        assert info is not None
        assert record.content_type == info.request_content_type, record


def test_request_picks_media_types_from_the_index(sandbox: Sandbox, pp: PiwikPro) -> None:
    plain = next(
        (
            op
            for op in piwik_pro.operations()
            if op.body and op.request_content_type == "application/json" and "{" not in op.path
        ),
        None,
    )
    pp.request(
        "POST",
        "/api/users/v2/invite",
        json={"data": {"type": "ppms/user", "attributes": {"email": "m@example.com", "language": "en-US"}}},
    )
    if plain is not None:
        # Validation may refuse the body; the media type is what is checked.
        with contextlib.suppress(piwik_pro.APIStatusError):
            pp.with_options(max_retries=0).request(plain.method, plain.path, json={"any": "thing"})
    records = {(r.method, r.path): r for r in api_requests(sandbox)}
    invite = records[("POST", "/api/users/v2/invite")]
    assert invite.content_type == JSON_API and invite.headers["accept"] == JSON_API
    if plain is not None:
        assert records[(plain.method, plain.path)].content_type == "application/json"


def test_request_unknown_path_uses_body_shape(sandbox: Sandbox, pp: PiwikPro) -> None:
    for body in ({"data": {"type": "thing", "attributes": {}}}, {"plain": True}):
        with pytest.raises(piwik_pro.APIStatusError):
            pp.request("POST", "/api/not-in-any-doc", json=body)
    sent = [r.content_type for r in api_requests(sandbox)]
    assert sent == [JSON_API, "application/json"]


def test_request_content_type_override_and_extra_headers(sandbox: Sandbox, pp: PiwikPro) -> None:
    with contextlib.suppress(piwik_pro.APIStatusError):
        pp.request(
            "POST",
            "/api/not-in-any-doc",
            json={"a": 1},
            content_type="application/merge-patch+json",
            headers={"X-Trace": "t1"},
        )
    record = api_requests(sandbox)[-1]
    assert record.content_type == "application/merge-patch+json"
    assert record.headers["x-trace"] == "t1"
    assert record.json() == {"a": 1}

"""Every documented operation: a valid request built from the doc succeeds, broken ones get a 400.

Parametrized per operation of the docs in PIWIK_PRO_DOCS_SOURCE (178 for 2025-01).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from piwik_pro.sandbox import OWNER_PASSWORD, Operation, Sandbox

from tests.conftest import SKIP_REASON, load_sandbox_docs, resolve_docs_source

from ._builder import Builder, NoValidValue, Request
from ._helpers import auth, errors, get_token

pytestmark = pytest.mark.timeout(60)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "op" not in metafunc.fixturenames:
        return
    source = resolve_docs_source()
    if source is None:
        metafunc.parametrize("op", [pytest.param(None, marks=pytest.mark.skip(reason=SKIP_REASON))], ids=["no-docs"])
        return
    operations = load_sandbox_docs(source).operations
    metafunc.parametrize("op", operations, ids=[f"{op.package}.{op.operation_id}" for op in operations])


def send(http: httpx.Client, sandbox: Sandbox, token: str, request: Request) -> httpx.Response:
    kwargs = request.kwargs()
    kwargs["headers"] = {**auth(token), **kwargs["headers"]}
    return http.request(request.method, sandbox.url + request.path, **kwargs)


def stateful_overrides(http: httpx.Client, sandbox: Sandbox, token: str, op: Operation) -> dict[str, Any]:
    """Users v2 keeps state: requests must name a user that exists and respect the account's rules."""
    if op.package != "users":
        return {}
    builder = Builder(sandbox.docs, op)
    overrides: dict[str, Any] = {}
    if "{userId}" in op.path:
        invite = {"data": {"type": "ppms/user", "attributes": {"email": "someone@example.com"}}}
        created = http.post(
            sandbox.url + "/api/users/v2/invite",
            headers={**auth(token), "Content-Type": "application/vnd.api+json"},
            content=json.dumps(invite),
        )
        overrides["userId"] = created.json()["data"]["id"]
    media = builder.body_media()
    if media is not None:
        body = builder.body_value(media)
        data = body.setdefault("data", {})
        attributes = data.setdefault("attributes", {})
        if "userId" in overrides:
            data["id"] = overrides["userId"]
        if op.path == "/api/users/v2/me":
            attributes.pop("role", None)  # the token's own user may not change their role
            data.pop("id", None)  # the doc's example id is not the token's user
        if op.path == "/api/users/v2/me/change-password":
            attributes.update(currentPassword=OWNER_PASSWORD, newPassword="Another-Passw0rd")
        overrides["__body__"] = body
    return overrides


def test_valid_request_gets_a_documented_success(http: httpx.Client, sandbox: Sandbox, op: Operation) -> None:
    token = get_token(http, sandbox)
    builder = Builder(sandbox.docs, op)
    try:
        request = builder.valid(stateful_overrides(http, sandbox, token, op))
    except NoValidValue as exc:
        pytest.fail(f"cannot build a valid request for {op.route} from the doc: {exc}")
    response = send(http, sandbox, token, request)
    assert response.status_code in op.success_statuses, (request, response.text[:500])
    if response.status_code != 204 and response.content:
        declared = op.responses[response.status_code].media_types
        assert response.headers["content-type"] in {m if m != "*/*" else "application/json" for m in declared}
        if "json" in response.headers["content-type"]:
            response.json()


def test_invalid_request_gets_a_400(http: httpx.Client, sandbox: Sandbox, op: Operation) -> None:
    token = get_token(http, sandbox)
    builder = Builder(sandbox.docs, op)
    valid = builder.valid(stateful_overrides(http, sandbox, token, op))
    # Users v2: a data.id of another type is a 409 id mismatch per the users doc, not a 400.
    broken = list(builder.broken(valid, keep=("/data/id",) if op.package == "users" else ()))
    if not broken:
        names = ", ".join(p.name for p in op.parameters)
        declared = f"only free-form string parameters ({names})" if names else "no parameters"
        pytest.skip(f"{op.route}: no body and {declared}, so no request to it can be invalid per the doc")
    for what, request in broken:
        response = send(http, sandbox, token, request)
        assert response.status_code == 400, (what, request, response.text[:500])
        [error, *_] = errors(response)
        if op.package == "users":
            continue  # the users doc's own error examples carry no source for these
        source = error.get("source", {})
        if request.expect_parameter is not None:
            assert source == {"parameter": request.expect_parameter}, (what, error)
        if request.expect_pointer is not None:
            # Where alternatives (anyOf) exist the server may blame another member: it must exist in the body.
            assert "pointer" in source, (what, error)
            assert points_into(json.loads(request.content or b"null"), source["pointer"]), (what, error)


def points_into(document: Any, pointer: str) -> bool:
    """True when `pointer` names a member of `document`, or a missing member of an existing object."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []
    node = document
    for index, part in enumerate(parts):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return index == len(parts) - 1 and isinstance(node, dict)
    return True

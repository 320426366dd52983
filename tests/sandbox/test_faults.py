"""Fault injection through the Python API and the admin endpoint."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from piwik_pro.sandbox import Sandbox, SandboxDocs

from ._helpers import auth, errors, get_token

pytestmark = pytest.mark.timeout(60)

LIST = "/api/users/v2"


@pytest.fixture
def headers(http: httpx.Client, sandbox: Sandbox) -> dict[str, str]:
    return auth(get_token(http, sandbox))


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_status_faults_fire_n_times_then_stop(
    http: httpx.Client, sandbox: Sandbox, headers: dict[str, str], status: int
) -> None:
    sandbox.faults.add(kind="status", status=status, times=2, retry_after=1 if status == 429 else None)
    first = http.get(sandbox.url + LIST, headers=headers)
    second = http.get(sandbox.url + LIST, headers=headers)
    third = http.get(sandbox.url + LIST, headers=headers)
    assert [first.status_code, second.status_code, third.status_code] == [status, status, 200]
    assert errors(first)[0]["status"] == str(status)
    assert ("retry-after" in first.headers) == (status == 429)
    if status == 429:
        assert first.headers["retry-after"] == "1"
    assert [r.fault for r in sandbox.requests[1:]] == ["status", "status", None]
    assert len(sandbox.faults) == 0


def test_route_faults_hit_only_their_route(http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]) -> None:
    sandbox.faults.add(kind="status", status=503, route="POST /api/users/v2/invite", times=None)
    assert http.get(sandbox.url + LIST, headers=headers).status_code == 200
    body = {"data": {"type": "ppms/user", "attributes": {"email": "u@example.com"}}}
    send = {**headers, "Content-Type": "application/vnd.api+json"}
    for _ in range(3):
        assert http.post(sandbox.url + LIST + "/invite", headers=send, content=json.dumps(body)).status_code == 503
    sandbox.faults.clear()
    assert http.post(sandbox.url + LIST + "/invite", headers=send, content=json.dumps(body)).status_code == 201


def test_route_may_name_a_path_template(http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]) -> None:
    sandbox.faults.add(kind="status", status=500, route="/api/users/v2/{userId}")
    me = http.get(sandbox.url + LIST + "/me", headers=headers).json()["data"]["id"]
    assert http.get(f"{sandbox.url}{LIST}/{me}", headers=headers).status_code == 500
    assert http.get(f"{sandbox.url}{LIST}/{me}", headers=headers).status_code == 200


def test_global_faults_spare_the_token_endpoint_unless_named(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.faults.add(kind="status", status=503)
    token = get_token(http, sandbox)  # not faulted
    assert http.get(sandbox.url + LIST, headers=auth(token)).status_code == 503
    sandbox.faults.add(kind="status", status=429, route="POST /auth/token", retry_after=2)
    response = http.post(sandbox.url + "/auth/token", json={})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"


def test_delay_fault_makes_a_short_client_timeout_fire(
    http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]
) -> None:
    sandbox.faults.add(kind="delay", seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get(sandbox.url + LIST, headers=headers, timeout=0.1)
    assert http.get(sandbox.url + LIST, headers=headers).status_code == 200


def test_delayed_post_is_still_processed_after_the_client_gave_up(
    http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]
) -> None:
    sandbox.faults.add(kind="delay", seconds=0.3, route="POST /api/users/v2/invite")
    body = {"data": {"type": "ppms/user", "attributes": {"email": "late@example.com"}}}
    with pytest.raises(httpx.ReadTimeout):
        http.post(
            sandbox.url + LIST + "/invite",
            headers={**headers, "Content-Type": "application/vnd.api+json"},
            content=json.dumps(body),
            timeout=0.05,
        )
    # Like a real server, the sandbox finishes the work; a retry would hit "user already exists".
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(u.email == "late@example.com" for u in sandbox.users.users.values()):
        time.sleep(0.02)
    assert any(u.email == "late@example.com" for u in sandbox.users.users.values())


def test_drop_closes_the_connection_without_an_answer(
    http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]
) -> None:
    sandbox.faults.add(kind="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(sandbox.url + LIST, headers=headers)
    assert sandbox.requests[-1].status is None
    assert http.get(sandbox.url + LIST, headers=headers).status_code == 200


def test_html_error_page(http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]) -> None:
    sandbox.faults.add(kind="html", status=502)
    response = http.get(sandbox.url + LIST, headers=headers)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<html")


def test_truncated_json_body(http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]) -> None:
    sandbox.faults.add(kind="truncated")
    response = http.get(sandbox.url + LIST, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert http.get(sandbox.url + LIST, headers=headers).json()["meta"]["total"] == 1


def test_revoke_fault_revokes_the_token_on_that_request(
    http: httpx.Client, sandbox: Sandbox, headers: dict[str, str]
) -> None:
    assert http.get(sandbox.url + LIST, headers=headers).status_code == 200
    sandbox.faults.add(kind="revoke")
    response = http.get(sandbox.url + LIST, headers=headers)
    assert response.status_code == 401
    assert errors(response)[0]["title"] == "access token not authorized"
    assert http.get(sandbox.url + LIST, headers=auth(get_token(http, sandbox))).status_code == 200


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "status", "status": 200},
        {"kind": "status", "times": 0},
        {"kind": "delay", "seconds": -1},
        {"kind": "status", "route": "no-slash"},
    ],
)
def test_bad_fault_rules_are_refused(sandbox: Sandbox, spec: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        sandbox.faults.add(**spec)  # type: ignore[arg-type]


def test_admin_endpoint_is_off_by_default(http: httpx.Client, sandbox: Sandbox) -> None:
    assert http.get(sandbox.url + "/__sandbox__/state").status_code == 404
    response = http.post(sandbox.url + "/__sandbox__/faults", json={"kind": "drop"})
    assert response.status_code == 404
    assert len(sandbox.faults) == 0


def test_admin_endpoint_drives_faults_clock_and_revocation(http: httpx.Client, sandbox_docs: SandboxDocs) -> None:
    with Sandbox(sandbox_docs, admin=True) as sb:
        admin = sb.url + "/__sandbox__"
        token = get_token(http, sb)
        state = http.get(admin + "/state").json()
        assert state["tokens_issued"] == 1
        assert state["operations"] == len(sandbox_docs.operations)

        added = http.post(admin + "/faults", json={"kind": "status", "status": 429, "retry_after": 3, "times": 1})
        assert added.status_code == 201
        assert http.get(admin + "/faults").json()[0]["kind"] == "status"
        limited = http.get(sb.url + LIST, headers=auth(token))
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
        assert http.post(admin + "/faults", json={"kind": "nope"}).status_code == 400
        assert http.post(admin + "/faults", json={"kind": "drop", "bogus": 1}).status_code == 400
        http.post(admin + "/faults", json={"kind": "drop", "times": None})
        assert http.delete(admin + "/faults").status_code == 204
        assert http.get(sb.url + LIST, headers=auth(token)).status_code == 200

        assert http.post(admin + "/clock", json={"advance": 1801}).status_code == 200
        expired = http.get(sb.url + LIST, headers=auth(token))
        assert errors(expired)[0]["title"] == "Expired JWT Token"

        fresh = get_token(http, sb)
        assert http.post(admin + "/revoke").status_code == 204
        assert errors(http.get(sb.url + LIST, headers=auth(fresh)))[0]["title"] == "access token not authorized"

        rows = http.get(admin + "/requests").json()
        assert all("demo-client-secret" not in row["body"] for row in rows)
        list_users = sandbox_docs.find("GET", LIST)
        assert list_users is not None
        assert {row["operation"] for row in rows} >= {"auth.token", list_users.key}

"""Token endpoint and the three auth errors, over real HTTP."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxDocs

from ._helpers import auth, errors, get_token

pytestmark = pytest.mark.timeout(60)


def test_token_is_issued_for_the_json_body_of_the_guide(http: httpx.Client, sandbox: Sandbox) -> None:
    response = http.post(
        f"{sandbox.url}/auth/token",
        headers={"Content-Type": "application/json"},
        content=json.dumps(
            {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
        ),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 1800
    assert body["access_token"].count(".") == 2  # a JWT
    assert sandbox.tokens_issued == 1
    assert http.get(f"{sandbox.url}/api/users/v2/me", headers=auth(body["access_token"])).status_code == 200


def test_token_accepts_form_encoding_and_http_basic(http: httpx.Client, sandbox: Sandbox) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    assert http.post(f"{sandbox.url}/auth/token", data=form).status_code == 200
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    response = http.post(
        f"{sandbox.url}/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert sandbox.tokens_issued == 2


def test_configured_credentials_replace_the_demo_ones(http: httpx.Client, sandbox_docs: SandboxDocs) -> None:
    with Sandbox(sandbox_docs, client_id="mine", client_secret="s3cret") as sb:
        ok = {"grant_type": "client_credentials", "client_id": "mine", "client_secret": "s3cret"}
        assert http.post(f"{sb.url}/auth/token", json=ok).status_code == 200
        demo = {**ok, "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
        assert http.post(f"{sb.url}/auth/token", json=demo).status_code == 401


@pytest.mark.parametrize(
    ("change", "status", "pointer"),
    [
        ({"client_secret": "wrong"}, 401, ""),  # the credentials as a whole: which one is wrong is not told
        ({"client_id": "someone-else"}, 401, ""),
        ({"grant_type": "password"}, 400, "/grant_type"),
        ({"client_secret": ""}, 400, "/client_secret"),
    ],
)
def test_bad_token_requests_get_json_api_errors(
    http: httpx.Client, sandbox: Sandbox, change: dict[str, str], status: int, pointer: str
) -> None:
    body = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    response = http.post(f"{sandbox.url}/auth/token", json={**body, **change})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/vnd.api+json"
    [error] = errors(response)
    assert error.get("source", {}).get("pointer") == pointer
    assert sandbox.tokens_issued == 0


def test_token_request_with_a_non_object_body_is_a_400(http: httpx.Client, sandbox: Sandbox) -> None:
    response = http.post(f"{sandbox.url}/auth/token", content=b"[1]", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    errors(response)


def test_no_token_is_jwt_not_found(http: httpx.Client, sandbox: Sandbox) -> None:
    response = http.get(f"{sandbox.url}/api/users/v2")
    assert response.status_code == 401
    assert [e["title"] for e in errors(response)] == ["JWT not found"]
    assert response.headers["www-authenticate"] == "Bearer"
    response = http.get(f"{sandbox.url}/api/users/v2", headers={"Authorization": "Basic abc"})
    assert [e["title"] for e in errors(response)] == ["JWT not found"]


def test_token_expires_after_1800_seconds_on_the_sandbox_clock(http: httpx.Client, sandbox: Sandbox) -> None:
    token = get_token(http, sandbox)
    sandbox.clock.advance(1799)
    assert http.get(f"{sandbox.url}/api/users/v2", headers=auth(token)).status_code == 200
    sandbox.clock.advance(2)
    response = http.get(f"{sandbox.url}/api/users/v2", headers=auth(token))
    assert response.status_code == 401
    assert [e["title"] for e in errors(response)] == ["Expired JWT Token"]
    fresh = get_token(http, sandbox)
    assert http.get(f"{sandbox.url}/api/users/v2", headers=auth(fresh)).status_code == 200
    assert sandbox.tokens_issued == 2


@pytest.mark.parametrize("tamper", ["signature", "payload", "garbage"])
def test_bad_tokens_are_not_authorized(http: httpx.Client, sandbox: Sandbox, tamper: str) -> None:
    token = get_token(http, sandbox)
    header, payload, signature = token.split(".")
    if tamper == "signature":
        token = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    elif tamper == "payload":
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["exp"] += 3600
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        token = f"{header}.{forged}.{signature}"
    else:
        token = "not-a-jwt"
    response = http.get(f"{sandbox.url}/api/users/v2", headers=auth(token))
    assert response.status_code == 401
    assert [e["title"] for e in errors(response)] == ["access token not authorized"]


def test_a_token_of_another_sandbox_is_not_authorized(
    http: httpx.Client, sandbox: Sandbox, sandbox_docs: SandboxDocs
) -> None:
    with Sandbox(sandbox_docs) as other:
        foreign = get_token(http, other)
    response = http.get(f"{sandbox.url}/api/users/v2", headers=auth(foreign))
    assert [e["title"] for e in errors(response)] == ["access token not authorized"]


def test_revoked_tokens_are_not_authorized_and_new_ones_work(http: httpx.Client, sandbox: Sandbox) -> None:
    old = get_token(http, sandbox)
    sandbox.revoke_tokens()
    response = http.get(f"{sandbox.url}/api/users/v2", headers=auth(old))
    assert response.status_code == 401
    assert [e["title"] for e in errors(response)] == ["access token not authorized"]
    new = get_token(http, sandbox)
    assert http.get(f"{sandbox.url}/api/users/v2", headers=auth(new)).status_code == 200


def test_secrets_are_redacted_in_recorded_requests(http: httpx.Client, sandbox: Sandbox) -> None:
    token = get_token(http, sandbox)
    http.get(f"{sandbox.url}/api/users/v2", headers=auth(token))
    recorded = sandbox.requests
    list_users = sandbox.docs.find("GET", "/api/users/v2")
    assert list_users is not None
    assert [r.operation for r in recorded] == ["auth.token", list_users.key]
    everything = repr(recorded) + "".join(r.body.decode() + repr(r.headers) for r in recorded)
    assert DEMO_CLIENT_SECRET not in everything
    assert token not in everything
    assert recorded[0].json()["client_id"] == DEMO_CLIENT_ID

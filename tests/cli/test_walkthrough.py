"""The Getting-started walkthrough by CLI commands alone, each a separate process sharing one cached token."""

from __future__ import annotations

import stat

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_SECRET, Sandbox

from ._helpers import Run, cache_files, operation

pytestmark = pytest.mark.timeout(120)


def test_walkthrough(run: Run, sandbox: Sandbox, cli_env: dict[str, str]) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    get = operation("GET", "/api/users/v2/{user_id}")
    edit = operation("PATCH", "/api/users/v2/{user_id}")
    delete = operation("DELETE", "/api/users/v2/{user_id}")

    token = run("token")
    assert token.code == 0, token.err
    assert token.json["token_type"] == "Bearer"
    assert 0 < token.json["expires_in"] <= 1800

    body = '{"data": {"type": "ppms/user", "attributes": {"email": "user@example.com", "language": "en-US"}}}'
    invited = run("call", invite.name, "--data", body)
    assert invited.code == 0, invited.err
    user_id = invited.json["data"]["id"]  # captured from one command's JSON output ...

    got = run("call", get.name, f"{get.path_param}={user_id}")  # ... and passed to the next
    assert got.code == 0, got.err
    assert got.json["data"]["attributes"]["email"] == "user@example.com"
    assert got.json["data"]["attributes"]["language"] == "en-US"

    # The body comes from stdin this time (`--data -`).
    change = f'{{"data": {{"id": "{user_id}", "type": "ppms/user", "attributes": {{"language": "de-DE"}}}}}}'
    changed = run("call", edit.name, f"{edit.path_param}={user_id}", "--data", "-", stdin=change)
    assert changed.code == 0, changed.err
    assert changed.out == ""  # 204 No Content: nothing to print
    assert run("call", get.name, f"{get.path_param}={user_id}").json["data"]["attributes"]["language"] == "de-DE"

    deleted = run("call", delete.name, f"{delete.path_param}={user_id}")
    assert deleted.code == 0, deleted.err

    gone = run("call", get.name, f"{get.path_param}={user_id}")
    assert gone.code == 1
    assert gone.out == ""
    assert gone.err.startswith("piwik-pro: error: HTTP 404") and len(gone.err.splitlines()) == 1

    # Seven processes, one token: each reused the cache the first one wrote.
    assert sandbox.tokens_issued == 1
    (cache,) = cache_files(cli_env)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert DEMO_CLIENT_SECRET not in cache.read_text()  # the cache holds the token, never the secret
    # Every body went out with the JSON:API media type the users API demands.
    bodies = [r for r in sandbox.requests if r.body and r.path.startswith("/api/")]
    assert bodies and all(r.headers.get("content-type") == "application/vnd.api+json" for r in bodies)

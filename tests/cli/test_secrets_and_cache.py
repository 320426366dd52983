"""No secret in any output (except `token --raw`); the on-disk token cache is reused, private and self-healing."""

from __future__ import annotations

import json
import stat
import time

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_SECRET, Sandbox

from ._helpers import Run, cache_files, operation

pytestmark = pytest.mark.timeout(120)


def test_no_secret_or_token_in_any_output(run: Run, sandbox: Sandbox, cli_env: dict[str, str]) -> None:
    user_list = operation("GET", "/api/users/v2")
    invite = operation("POST", "/api/users/v2/invite")
    body = '{"data": {"type": "ppms/user", "attributes": {"email": "leak@example.com", "language": "en-US"}}}'
    outputs = [
        run("--verbose", "token", "--refresh"),  # shows the token request and response
        run("token"),
        run("call", user_list.name, "limit=1", "--verbose"),
        run("-v", "call", invite.name, "--data", body),
        run("-v", "request", "GET", "/api/users/v2", "limit=1"),
        run("-v", "token", "--refresh", env={"PIWIK_PRO_CLIENT_SECRET": "another-wrong-secret"}),
    ]
    raw = run("token", "--raw")
    assert raw.code == 0
    token = raw.out.strip()
    assert token.count(".") == 2 and raw.err == ""  # a bare JWT, for `$(piwik-pro token --raw)`

    for result in outputs:
        assert DEMO_CLIENT_SECRET not in result.all
        assert "another-wrong-secret" not in result.all
        assert token not in result.all
        assert "Traceback" not in result.all
    verbose = outputs[0].err
    assert "> POST " in verbose and "/auth/token" in verbose and "< 200" in verbose  # the lines are there ...
    assert '"client_secret": "[redacted]"' in verbose and '"access_token": "[redacted]"' in verbose  # ... redacted
    assert "authorization: [redacted]" in outputs[2].err
    assert outputs[5].code == 3


def test_token_reused_across_invocations_and_refreshed_on_demand(
    run: Run, sandbox: Sandbox, cli_env: dict[str, str]
) -> None:
    user_list = operation("GET", "/api/users/v2")
    for args in (("token",), ("call", user_list.name), ("request", "GET", "/api/users/v2")):
        assert run(*args).code == 0
    assert sandbox.tokens_issued == 1
    (cache,) = cache_files(cli_env)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    before = json.loads(cache.read_text())["access_token"]

    assert run("token", "--refresh").code == 0
    assert sandbox.tokens_issued == 2
    assert json.loads(cache.read_text())["access_token"] != before
    assert run("--no-cache", "token").code == 0  # --no-cache neither reads nor writes it
    assert sandbox.tokens_issued == 3


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{not json", id="corrupt"),
        pytest.param("", id="empty"),
        pytest.param("expired", id="expired"),
    ],
)
def test_bad_cache_is_replaced_not_fatal(run: Run, sandbox: Sandbox, cli_env: dict[str, str], content: str) -> None:
    assert run("token").code == 0
    (cache,) = cache_files(cli_env)
    if content == "expired":
        data = json.loads(cache.read_text())
        data.update(access_token="eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.old", expires_at=time.time() - 10)
        content = json.dumps(data)
    cache.write_text(content)

    result = run("call", operation("GET", "/api/users/v2").name, "limit=1")
    assert result.code == 0, result.err
    assert sandbox.tokens_issued == 2  # one new token, nothing sent with the bad one
    assert all(r.status != 401 for r in sandbox.requests)  # the stale token was never sent
    fresh = json.loads(cache.read_text())
    assert fresh["access_token"] and fresh["expires_at"] > time.time()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_failed_token_request_leaves_cache_untouched(run: Run, sandbox: Sandbox, cli_env: dict[str, str]) -> None:
    assert run("token").code == 0
    (cache,) = cache_files(cli_env)
    before = cache.read_bytes()
    # Same host and client id, wrong secret: the refresh fails, the cached token stays as it was.
    assert run("token", "--refresh", env={"PIWIK_PRO_CLIENT_SECRET": "wrong"}).code == 3
    assert cache.read_bytes() == before
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temp file left behind

"""Logging through "piwik_pro", PIWIK_PRO_LOG, and secrets kept out of logs, reprs and exceptions."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from piwik_pro import AuthenticationError, PiwikPro
from piwik_pro._logging import redact
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

pytestmark = pytest.mark.timeout(60)


def test_debug_log_has_the_story_but_no_secret(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="piwik_pro")
    sandbox.faults.add(kind="status", status=503, times=1, route="GET /api/users/v2")
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as pp:
        pp.request("GET", "/api/users/v2")
        sandbox.revoke_tokens()
        pp.request("GET", "/api/users/v2")
        token = pp.fetch_token().access_token
        debug_repr = repr(pp) + repr(pp.fetch_token()) + repr(pp.get_httpx_client().build_request("GET", "/x"))
    text = caplog.text
    assert "fetched a new access token" in text
    assert "retrying GET /api/users/v2" in text and "HTTP 503" in text
    assert "refreshing the token once" in text
    for secret in (DEMO_CLIENT_SECRET, token):
        assert secret not in text
        assert secret not in debug_repr


def test_secrets_absent_from_exceptions(sandbox: Sandbox) -> None:
    with PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as pp:
        token = pp.fetch_token().access_token
        sandbox.faults.add(kind="status", status=401, times=None, route="GET /api/users/v2")
        with pytest.raises(AuthenticationError) as caught:
            pp.request("GET", "/api/users/v2")
    err = caught.value
    for text in (str(err), repr(err), repr(err.response), str(err.errors), repr(err.response.request.headers)):  # type: ignore[union-attr]
        assert token not in text and DEMO_CLIENT_SECRET not in text


def test_env_switch_turns_on_debug_output(sandbox: Sandbox) -> None:
    code = (
        "from piwik_pro import PiwikPro\n"
        f"pp = PiwikPro({sandbox.url!r}, {DEMO_CLIENT_ID!r}, {DEMO_CLIENT_SECRET!r})\n"
        "pp.request('GET', '/api/users/v2')\n"
        "print('TOKEN=' + pp.fetch_token().access_token)\n"
    )
    env = {**os.environ, "PIWIK_PRO_LOG": "debug"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    token = out.stdout.strip().removeprefix("TOKEN=")
    assert "piwik_pro DEBUG" in out.stderr and "fetched a new access token" in out.stderr
    assert "/api/users/v2 -> 200" in out.stderr
    assert token not in out.stderr and DEMO_CLIENT_SECRET not in out.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in env.items() if k != "PIWIK_PRO_LOG"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "piwik_pro" not in quiet.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abc.def.ghi-secret",
        '{"client_secret": "hunter2hunter2"}',
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-x in a sentence",
        "access_token=abcdef123456&x=1",
    ],
)
def test_redact_patterns(text: str) -> None:
    cleaned = redact(text)
    assert "[REDACTED]" in cleaned
    for secret in ("abc.def.ghi-secret", "hunter2hunter2", "eyJzdWIiOiIxIn0", "abcdef123456"):
        assert secret not in cleaned

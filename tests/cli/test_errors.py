"""Bad input: one line on stderr naming the problem, the documented exit code, never a traceback."""

from __future__ import annotations

import socket

import pytest
from piwik_pro.sandbox import Sandbox

from ._helpers import Result, Run, operation

pytestmark = pytest.mark.timeout(120)


def one_line_error(result: Result, code: int, *fragments: str) -> None:
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.all
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("piwik-pro: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_usage_errors(run: Run, sandbox: Sandbox) -> None:
    get = operation("GET", "/api/users/v2/{user_id}")
    invite = operation("POST", "/api/users/v2/invite")
    user_list = operation("GET", "/api/users/v2")

    one_line_error(run("call", "no_such_operation"), 2, "unknown operation 'no_such_operation'")
    one_line_error(run("call", get.name), 2, "needs parameter", str(get.path_param))
    one_line_error(run("call", user_list.name, "colour=blue"), 2, "unknown parameter 'colour'")
    one_line_error(run("call", user_list.name, "limit=many"), 2, "limit", "'many'", "int")
    one_line_error(run("call", invite.name, "--data", "{not json"), 2, "not valid JSON", "line 1 column 2")
    one_line_error(run("call", invite.name, "--data", "@/nonexistent/body.json"), 2, "does not exist")
    one_line_error(run("call", invite.name, "--data", "[1, 2]"), 2, "--data")
    one_line_error(run("ops", "show", "nope_nope"), 2, "unknown operation")
    one_line_error(run("call", get.name, "--bogus-flag"), 2, "--bogus-flag")
    one_line_error(run("call", user_list.name, env={"PIWIK_PRO_HOST": None}), 2, "no Piwik PRO host", "--host")
    one_line_error(run("call", user_list.name, env={"PIWIK_PRO_CLIENT_SECRET": None}), 2, "no client secret")
    one_line_error(run("--profile", "nope", "token"), 2, "profile 'nope' not found")
    # Nothing reached the API: usage errors are caught before any request.
    assert sandbox.tokens_issued == 0


def test_api_network_and_auth_errors(run: Run, sandbox: Sandbox) -> None:
    get = operation("GET", "/api/users/v2/{user_id}")
    missing = run("call", get.name, f"{get.path_param}=00000000-0000-4000-8000-000000000000")
    one_line_error(missing, 1, "HTTP 404")

    bad = run("token", env={"PIWIK_PRO_CLIENT_SECRET": "wrong-secret"})
    one_line_error(bad, 3, "authentication failed")
    assert "wrong-secret" not in bad.all

    down = run("token", env={"PIWIK_PRO_HOST": f"http://127.0.0.1:{_closed_port()}"})
    one_line_error(down, 3, "cannot reach the API")

"""Bad input: one line on stderr naming the problem, the documented exit code, never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from piwik_pro.cli import main
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from ._helpers import Result, Run, operation

UUID = "00000000-0000-4000-8000-000000000000"
pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("generated")]


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


@pytest.fixture
def in_process(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """main(argv) in this process (no interpreter start per case), with the sandbox's credentials."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PIWIK_PRO_PROFILE", raising=False)

    def _run(*args: str, env: dict[str, str | None] | None = None) -> Result:
        values = {
            "PIWIK_PRO_HOST": sandbox.url,
            "PIWIK_PRO_CLIENT_ID": DEMO_CLIENT_ID,
            "PIWIK_PRO_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            **(env or {}),
        }
        with monkeypatch.context() as m:
            for key, value in values.items():
                if value is None:
                    m.delenv(key, raising=False)
                else:
                    m.setenv(key, value)
            code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


def test_usage_errors_from_the_console_script(run: Run, sandbox: Sandbox) -> None:
    # The installed script itself: the same one-line errors, no traceback from the interpreter.
    one_line_error(run("call", "no_such_operation"), 2, "unknown operation 'no_such_operation'")
    invite = operation("POST", "/api/users/v2/invite")
    one_line_error(run("call", invite.name, "--data", "{not json"), 2, "not valid JSON", "line 1 column 2")


def test_usage_errors(in_process: Callable[..., Result], sandbox: Sandbox) -> None:
    run = in_process
    get = operation("GET", "/api/users/v2/{user_id}")
    invite = operation("POST", "/api/users/v2/invite")
    user_list = operation("GET", "/api/users/v2")

    one_line_error(run("call", "users.no_such_operation"), 2, "unknown operation")
    one_line_error(run("call", get.name), 2, "needs parameter", str(get.path_param))
    one_line_error(run("call", get.name, f"{get.path_param}=not-a-uuid"), 2, "'not-a-uuid' is not a valid UUID")
    one_line_error(run("call", user_list.name, "colour=blue"), 2, "unknown parameter 'colour'")
    one_line_error(run("call", user_list.name, "limit=many"), 2, "limit", "'many'", "int")
    one_line_error(run("call", user_list.name, "sort=sideways"), 2, "sort", "expected one of")
    one_line_error(run("call", user_list.name, "limit"), 2, "name=value")
    one_line_error(run("call", user_list.name, "--data", "{}"), 2, "takes no request body")
    add_meta_site = operation("POST", "/api/meta-sites/v1")  # its doc marks the body required
    one_line_error(run("call", add_meta_site.name), 2, "needs a request body")
    one_line_error(run("call", invite.name, "--data", "@/nonexistent/body.json"), 2, "does not exist")
    one_line_error(run("call", invite.name, "--data", "[1, 2]"), 2, "--data")
    one_line_error(run("call", user_list.name, "--all", "--bogus-flag"), 2, "--bogus-flag")
    one_line_error(run("call", get.name, f"{get.path_param}={UUID}", "--all"), 2, "not a paginated list operation")
    one_line_error(run("ops", "show", "nope_nope"), 2, "unknown operation")
    one_line_error(run("ops", "users", "extra"), 2, "ops takes one API name")
    one_line_error(run("call", user_list.name, env={"PIWIK_PRO_HOST": None}), 2, "no Piwik PRO host", "--host")
    one_line_error(run("call", user_list.name, env={"PIWIK_PRO_CLIENT_ID": None}), 2, "no client id")
    one_line_error(run("call", user_list.name, env={"PIWIK_PRO_CLIENT_SECRET": None}), 2, "no client secret")
    one_line_error(run("token", env={"PIWIK_PRO_HOST": "http://example.com"}), 2, "http")
    one_line_error(run("--profile", "nope", "token"), 2, "profile 'nope' not found")
    one_line_error(run("--client-secret-file", "/nonexistent/secret", "token"), 2, "does not exist")
    # Nothing reached the API: usage errors are caught before any request.
    assert sandbox.tokens_issued == 0


def test_api_network_and_auth_errors(run: Run, sandbox: Sandbox) -> None:
    get = operation("GET", "/api/users/v2/{user_id}")
    missing = run("call", get.name, f"{get.path_param}={UUID}")
    one_line_error(missing, 1, "HTTP 404")

    bad = run("token", env={"PIWIK_PRO_CLIENT_SECRET": "wrong-secret"})
    one_line_error(bad, 3, "authentication failed")
    assert "wrong-secret" not in bad.all

    down = run("token", env={"PIWIK_PRO_HOST": f"http://127.0.0.1:{_closed_port()}"})
    one_line_error(down, 3, "cannot reach the API")


def test_server_faults(in_process: Callable[..., Result], sandbox: Sandbox) -> None:
    user_list = operation("GET", "/api/users/v2")
    route = "GET /api/users/v2"
    sandbox.faults.add("html", route=route, times=None)  # an HTML 502 page from a proxy, every retry too
    one_line_error(in_process("call", user_list.name), 1, "HTTP 502")
    sandbox.faults.clear()
    sandbox.faults.add("truncated", route=route, times=None)  # 200 with a cut-off JSON body
    cut = in_process("call", user_list.name)
    one_line_error(cut, 1, "broken JSON")
    assert cut.out == ""  # half a document is not printed as if it were the answer
    sandbox.faults.clear()
    sandbox.faults.add("drop", route=route, times=None)  # the connection closes without an answer
    one_line_error(in_process("call", user_list.name), 3, "cannot reach the API")

"""restish/HTTPie/AWS-CLI conventions: timeouts, retries shown under -v, -H, --include, -o, --curl,
--query, completion, the missing-scheme hint, per-command help and tables that fit the terminal.

Each case checks the exit code, keeps stdout (data) and stderr (messages) apart and that no secret
(the client secret, a token) is printed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_SECRET, Sandbox

from ._helpers import PIWIK_PRO, Result, Run, operation
from .test_errors import in_process, one_line_error

__all__ = ["in_process"]  # the fixture, shared with test_errors
pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("generated")]

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.")
InProcess = Callable[..., Result]


def no_secret(result: Result) -> None:
    assert DEMO_CLIENT_SECRET not in result.all
    assert not JWT.search(result.all), "a token was printed"


def test_timeout_and_max_retries(in_process: InProcess, sandbox: Sandbox) -> None:
    users = operation("GET", "/api/users/v2")
    sandbox.faults.add("delay", route="GET /api/users/v2", times=None, seconds=2.0)
    slow = in_process("call", users.name, "--timeout", "0.2", "--max-retries", "0")
    one_line_error(slow, 3, "timed out")
    assert slow.out == ""
    # One attempt only: the request reached the sandbox once.
    assert len([r for r in sandbox.requests if r.path == "/api/users/v2"]) == 1
    one_line_error(in_process("call", users.name, "--timeout", "0"), 2, "--timeout", "seconds > 0")
    one_line_error(in_process("call", users.name, "--max-retries", "-1"), 2, "--max-retries", "whole number")


def test_verbose_shows_every_attempt_and_the_total_time(in_process: InProcess, sandbox: Sandbox) -> None:
    users = operation("GET", "/api/users/v2")
    sandbox.faults.add("status", route="GET /api/users/v2", times=2, status=503, retry_after=0)
    result = in_process("-v", "call", users.name, "limit=1", "--max-retries", "2")
    assert result.code == 0, result.err
    assert "attempt 2/3 after 503, waiting 0.0 s" in result.err
    assert "attempt 3/3 after 503, waiting 0.0 s" in result.err
    assert re.search(r"total \d+\.\d\d s\n$", result.err)
    assert json.loads(result.out)["data"] is not None  # stdout holds only the answer
    assert len([r for r in sandbox.requests if r.path == "/api/users/v2"]) == 3
    no_secret(result)


def test_tls_failure_on_a_host_without_scheme_suggests_http(in_process: InProcess, sandbox: Sandbox) -> None:
    bare = sandbox.url.removeprefix("http://")
    result = in_process("token", "--max-retries", "0", env={"PIWIK_PRO_HOST": bare})
    one_line_error(result, 3, f"did you mean http://{bare}?")
    no_secret(result)
    # With a scheme typed, no guess is made.
    typed = in_process("token", "--max-retries", "0", env={"PIWIK_PRO_HOST": "https://" + bare})
    assert typed.code == 3 and "did you mean" not in typed.err


def test_header_include_and_output(in_process: InProcess, sandbox: Sandbox, tmp_path: Path) -> None:
    users = operation("GET", "/api/users/v2")
    out_file = tmp_path / "users.json"
    result = in_process(
        "call", users.name, "limit=1", "-H", "X-Request-Source: cli-test", "--include", "-o", str(out_file)
    )
    assert result.code == 0, result.err
    (sent,) = [r for r in sandbox.requests if r.path == "/api/users/v2"]
    assert sent.headers["x-request-source"] == "cli-test"
    status, _, rest = result.out.partition("\n")
    assert re.match(r"HTTP/1\.[01] 200 OK$", status), result.out
    assert "content-type: application/vnd.api+json" in rest.lower()
    assert "{" not in result.out  # the body went to the file
    assert "data" in json.loads(out_file.read_text())
    no_secret(result)
    one_line_error(in_process("call", users.name, "-H", "no-colon"), 2, "NAME:VALUE")
    one_line_error(in_process("call", users.name, "-H", "Authorization: Bearer x"), 2, "Authorization")


def test_curl_prints_the_request_and_sends_nothing(in_process: InProcess, sandbox: Sandbox) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    body = '{"data": {"type": "ppms/user", "attributes": {"email": "c@example.com", "language": "en-US"}}}'
    result = in_process("call", invite.name, "--data", body, "-H", "X-Trace: 1", "--curl")
    assert result.code == 0, result.err
    line = result.out.strip()
    assert line.startswith(f"curl -X POST {sandbox.url}/api/users/v2/invite")
    assert '-H "Authorization: Bearer $PIWIK_PRO_TOKEN"' in line
    assert "-H 'Content-Type: application/vnd.api+json'" in line
    assert "-H 'X-Trace: 1'" in line
    assert "c@example.com" in line
    assert sandbox.requests == [] and sandbox.tokens_issued == 0  # nothing was sent, not even a token request
    no_secret(result)
    # The printed command works as it is, with the token in the variable.
    raw = in_process("request", "GET", "/api/users/v2", "limit=1", "--curl")
    assert raw.code == 0 and "limit=1" in raw.out and sandbox.requests == []


def test_query_filters_json_with_jmespath(in_process: InProcess, sandbox: Sandbox) -> None:
    users = operation("GET", "/api/users/v2")
    result = in_process("call", users.name, "--query", "meta.total")
    assert result.code == 0, result.err
    assert isinstance(json.loads(result.out), int)
    emails = in_process("request", "GET", "/api/users/v2", "limit=2", "--query", "data[].attributes.email")
    assert emails.code == 0 and all("@" in e for e in json.loads(emails.out))
    bad = in_process("call", users.name, "--query", "data[")
    one_line_error(bad, 2, "not a valid JMESPath expression")
    old_style = in_process("request", "GET", "/api/users/v2", "--query", "limit=5")
    one_line_error(old_style, 2, "JMESPath", "after the path")
    assert [r for r in sandbox.requests if r.path == "/api/users/v2"].__len__() == 2  # bad ones sent nothing


def test_body_the_api_requires_is_asked_for(in_process: InProcess, sandbox: Sandbox) -> None:
    invite = operation("POST", "/api/users/v2/invite")  # its doc marks the body optional
    result = in_process("call", invite.name)
    one_line_error(result, 2, "needs a request body", '"data"', '"email"')
    assert sandbox.requests == []
    shown = in_process("ops", "show", invite.name)
    assert "required):" in shown.out.split("body (", 1)[1].split("\n", 1)[0]


def _help(*words: str) -> str:
    assert PIWIK_PRO
    proc = subprocess.run([PIWIK_PRO, *words, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_per_command_help() -> None:
    for never_connects in ("apis", "ops", "export", "completion"):
        text = _help(never_connects)
        assert "--host" not in text and "connection:" not in text, never_connects
    call = _help("call")
    assert call.count("connection:") == 1 and "--host" in call and "--timeout" in call and "--curl" in call
    assert "--refresh" not in call
    token = _help("token")
    assert "--host" in token and "--curl" not in token
    ops_show = _help("ops", "show")
    assert ops_show != _help("ops")
    assert ops_show.startswith("usage: piwik-pro ops show")


def test_tables_fit_the_terminal(run: Run) -> None:
    narrow = run("ops", "users", env={"COLUMNS": "80"})
    assert narrow.code == 0, narrow.err
    lines = narrow.out.splitlines()
    assert len(lines) > 3
    assert max(len(line) for line in lines) <= 80
    everything = run("ops", env={"COLUMNS": "60"})  # long paths too
    assert everything.code == 0 and max(len(line) for line in everything.out.splitlines()) <= 60
    wide = run("ops", "users", env={"COLUMNS": "400"})
    assert max(len(line) for line in wide.out.splitlines()) > 80  # nothing cut when there is room


def test_completion(run: Run) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = run("completion", shell)
        assert script.code == 0 and "__complete" in script.out
    words = run("__complete").out.split()
    assert {"call", "ops", "export", "completion"} <= set(words)
    names = run("__complete", "call").out.split()
    assert "invite_user" in names
    # A name two APIs share is offered qualified, the way `call` accepts it.
    import piwik_pro

    shared = [n for n in names if "." in n]
    assert shared
    for name in shared:
        assert name.rsplit(".", 1)[1] not in names
        assert piwik_pro.find_operation(name).qualified_name == name
    get = operation("GET", "/api/users/v2/{user_id}")
    params = run("__complete", "call", get.name.split(".")[-1]).out.split()
    assert f"{get.path_param}=" in params and "--data" in params
    assert "users" in run("__complete", "ops").out.split()
    assert "postman" in run("__complete", "export").out.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_script_completes(run: Run, cli_env: dict[str, str]) -> None:
    assert PIWIK_PRO
    script = run("completion", "bash").out
    probe = (
        f'piwik-pro() {{ "{PIWIK_PRO}" "$@"; }}\n{script}\n'
        "COMP_WORDS=(piwik-pro call invite_u); COMP_CWORD=2; _piwik_pro; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    proc = subprocess.run(["bash", "-c", probe], env=cli_env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.split() == ["invite_user"], proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="curl or bash missing")
def test_curl_command_runs_as_printed(run: Run, sandbox: Sandbox, cli_env: dict[str, str]) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    body = '{"data": {"type": "ppms/user", "attributes": {"email": "curl@example.com", "language": "en-US"}}}'
    printed = run("call", invite.name, "--data", body, "--curl")
    assert printed.code == 0, printed.err
    assert sandbox.requests == []
    token = run("token", "--raw").out.strip()
    env = {**cli_env, "PIWIK_PRO_TOKEN": token}
    proc = subprocess.run(
        ["bash", "-c", printed.out.strip() + " -s -o /dev/null -w '%{http_code}'"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stdout == "201", proc.stdout + proc.stderr
    (sent,) = [r for r in sandbox.requests if r.path == "/api/users/v2/invite"]
    assert sent.headers["content-type"] == "application/vnd.api+json"

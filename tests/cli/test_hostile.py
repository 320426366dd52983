"""The CLI against hostile setups (issue 12): a lax or foreign token cache directory, concurrent cold-cache
processes, a redirecting server, an unusable host."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from piwik_pro.sandbox import Sandbox

from ..servers import MisbehavingServer, reply, token_reply
from ._helpers import PIWIK_PRO, Run, cache_files

pytestmark = pytest.mark.timeout(180)


def tokens_dir(env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "piwik-pro" / "tokens"


def test_lax_token_directory_is_tightened_to_0700(run: Run, cli_env: dict[str, str]) -> None:
    directory = tokens_dir(cli_env)
    directory.mkdir(parents=True)
    directory.chmod(0o777)
    assert run("token").code == 0
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (cache,) = cache_files(cli_env)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown a directory away")
def test_token_directory_of_another_user_is_refused(run: Run, sandbox: Sandbox, cli_env: dict[str, str]) -> None:
    directory = tokens_dir(cli_env)
    directory.mkdir(parents=True, mode=0o700)
    os.chown(directory, 65534, 65534)  # nobody
    result = run("token")
    assert result.code == 2
    assert "belongs to another user" in result.err and "--no-cache" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert sandbox.tokens_issued == 0
    assert not list(directory.iterdir())  # nothing written there
    assert run("--no-cache", "token").code == 0


def test_concurrent_cold_cache_processes_make_one_token_request(
    run: Run, sandbox: Sandbox, cli_env: dict[str, str]
) -> None:
    # A slow token endpoint keeps the window wide open: without a lock, every process would fetch.
    sandbox.faults.add("delay", route="POST /auth/token", times=None, seconds=2.0)
    procs = [
        subprocess.Popen(
            [str(PIWIK_PRO), "token"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(20)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results if err]
    assert sandbox.tokens_issued == 1
    assert len(cache_files(cli_env)) == 1


def test_request_answered_with_a_redirect_exits_1(run: Run, misbehaving_server: MisbehavingServer) -> None:
    srv = misbehaving_server
    srv.route("POST", "/auth/token", token_reply())
    srv.route("GET", "/api/users/v2", reply(302, headers={"Location": "https://elsewhere.example/"}))
    result = run("request", "GET", "/api/users/v2", env={"PIWIK_PRO_HOST": srv.url})
    assert result.code == 1
    assert "302" in result.err and "Traceback" not in result.all
    assert result.out == ""


@pytest.mark.parametrize("host", ["javascript:alert(1)", "http://user:hunter2-pass@127.0.0.1:9"])
def test_unusable_host_exits_2_with_one_line(run: Run, host: str) -> None:
    result = run("token", env={"PIWIK_PRO_HOST": host})
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "host" in lines[0]
    assert "hunter2-pass" not in result.all


@pytest.mark.parametrize(
    "args",
    [
        ("request", "GET", "/api/users/v2\r\nX-Injected: 1"),
        ("request", "GET", "/api/users/v2", "--content-type", "a\rb"),
    ],
    ids=["path", "content-type"],
)
def test_request_with_control_characters_exits_2_with_one_line(
    run: Run, sandbox: Sandbox, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "control characters" in result.err
    assert "unexpected" not in result.err
    assert not [r for r in sandbox.requests if r.path != "/auth/token"]

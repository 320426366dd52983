"""Newman runs the exported Postman collection against the sandbox, over real HTTP.

The Getting-started folder must pass on its own token (exactly one token request
for the whole run), and every other request, sent once with its example, must
get past authentication and the content-type check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

pytestmark = [pytest.mark.newman, pytest.mark.timeout(600)]

GETTING_STARTED = "Getting started"


def _export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / f"{args[0]}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "piwik_pro.cli", "export", *args, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _run_newman(newman: str, collection: Path, environment: Path, report: Path, *extra: str) -> dict[str, Any]:
    proc = subprocess.run(
        [
            newman,
            "run",
            str(collection),
            *extra,
            "--environment",
            str(environment),
            "--reporters",
            "json",
            "--reporter-json-export",
            str(report),
            "--timeout-request",
            "20000",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert report.exists(), f"newman wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return dict(json.loads(report.read_text()))


def _body(execution: dict[str, Any]) -> str:
    stream = (execution.get("response") or {}).get("stream") or {}
    return bytes(stream.get("data") or []).decode("utf-8", "replace")


def _folder_of(collection: dict[str, Any]) -> dict[str, str]:
    """Item id -> name of its top-level folder."""
    found: dict[str, str] = {}

    def walk(items: list[dict[str, Any]], top: str) -> None:
        for item in items:
            if "item" in item:
                walk(item["item"], top)
            else:
                found[item["id"]] = top

    for folder in collection["item"]:
        walk(folder["item"], folder["name"])
    return found


def _environment(tmp_path: Path, sandbox: Sandbox) -> Path:
    env_file = _export(tmp_path, "postman-env", "--base-url", sandbox.url, "--client-id", DEMO_CLIENT_ID)
    environment = json.loads(env_file.read_text())
    assert DEMO_CLIENT_SECRET not in env_file.read_text()
    # What a user types into Postman: the secret (never written by the export).
    for value in environment["values"]:
        if value["key"] == "clientSecret":
            value["value"] = DEMO_CLIENT_SECRET
    env_file.write_text(json.dumps(environment))
    return env_file


def test_collection_runs_green_on_one_token(newman: str, sandbox: Sandbox, tmp_path: Path) -> None:
    collection_file = _export(tmp_path, "postman")
    env_file = _environment(tmp_path, sandbox)

    report = _run_newman(newman, collection_file, env_file, tmp_path / "report.json")
    collection = json.loads(collection_file.read_text())
    folder_of = _folder_of(collection)
    executions = report["run"]["executions"]

    # Every request of the collection was sent exactly once.
    sent = [e["item"]["id"] for e in executions]
    assert sorted(sent) == sorted(folder_of), "newman did not send every request once"

    # The walkthrough: every step answered and every test passed.
    walkthrough = [e for e in executions if folder_of[e["item"]["id"]] == GETTING_STARTED]
    assert len(walkthrough) == 5
    for e in walkthrough:
        assertions = e.get("assertions") or []
        assert assertions, f"{e['item']['name']}: no test ran"
        failed = [a["assertion"] for a in assertions if a.get("error")]
        assert not failed, f"{e['item']['name']}: {failed} ({e['response']['code']}: {_body(e)[:300]})"
    assert not [f for f in report["run"]["failures"] if folder_of.get(f["source"].get("id", "")) == GETTING_STARTED]

    # One token for the whole run: the walkthrough's own, reused by the pre-request script.
    assert sandbox.tokens_issued == 1
    token_requests = [r for r in sandbox.requests if r.path == "/auth/token"]
    assert len(token_requests) == 1

    # Every other request: past auth and the content-type check.
    problems = []
    for e in executions:
        if folder_of[e["item"]["id"]] == GETTING_STARTED:
            continue
        response = e.get("response")
        if response is None:
            problems.append(f"{e['item']['name']}: no response ({e.get('requestError')})")
            continue
        code, body = response["code"], _body(e)
        content_type_error = code == 415 or (code == 400 and "content-type" in body.lower())
        body_lost = code == 400 and "missing request body" in body.lower()  # the example body must arrive
        if code == 401 or content_type_error or body_lost:
            problems.append(f"{e['item']['name']}: {code} {body[:200]}")
    assert not problems, "\n".join(problems)
    assert len(executions) > 100  # the whole API, not an empty export


def test_pre_request_script_fetches_the_token(newman: str, sandbox: Sandbox, tmp_path: Path) -> None:
    """Without the walkthrough's token step, the collection's pre-request script gets one, once."""
    collection_file = _export(tmp_path, "postman", "users")
    env_file = _environment(tmp_path, sandbox)
    report = _run_newman(newman, collection_file, env_file, tmp_path / "report.json", "--folder", "users")
    executions = report["run"]["executions"]
    assert len(executions) >= 5
    assert sandbox.tokens_issued == 1
    codes = {e["item"]["name"]: (e.get("response") or {}).get("code") for e in executions}
    assert all(code not in (None, 401) for code in codes.values()), codes

"""The exploring commands and `--all`, run in-process (`main(argv)`) against the sandbox for speed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from piwik_pro.cli import main
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from ._helpers import operation

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("generated")]


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PIWIK_PRO_HOST", sandbox.url)
    monkeypatch.setenv("PIWIK_PRO_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("PIWIK_PRO_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    monkeypatch.delenv("PIWIK_PRO_PROFILE", raising=False)
    return sandbox


def test_apis_and_ops(capsys: pytest.CaptureFixture[str]) -> None:
    import piwik_pro

    assert main(["apis", "--json"]) == 0
    apis = {row["api"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(apis) == {d.accessor for d in piwik_pro.docs()}
    assert apis["users"]["operations"] == sum(op.doc == "users" for op in piwik_pro.operations())

    assert main(["ops", "tag_manager", "--json"]) == 0  # an accessor prefix selects every Tag Manager API
    tm = json.loads(capsys.readouterr().out)
    assert tm and {op["accessor"].split(".")[0] for op in tm} == {"tag_manager"}

    assert main(["ops", "users", "--search", "invite"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["OPERATION", "METHOD", "PATH", "SUMMARY"]
    assert any("/api/users/v2/invite" in line and "POST" in line for line in table[1:])
    assert not any("/api/users/v2/{" in line for line in table[1:])

    assert main(["ops", "nosuchapi"]) == 2
    assert "unknown API 'nosuchapi'" in capsys.readouterr().err


def test_ops_show_lists_parameters_and_body_fields(capsys: pytest.CaptureFixture[str]) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    assert main(["ops", "show", invite.name]) == 0
    text = capsys.readouterr().out
    assert "POST /api/users/v2/invite" in text
    assert "application/vnd.api+json" in text
    assert "email: str  (required)" in text  # nested body fields, with the API's JSON names
    assert "ppms/user" in text  # enum values are spelled out

    user_list = operation("GET", "/api/users/v2")
    assert main(["ops", "show", user_list.name]) == 0
    text = capsys.readouterr().out
    (sort,) = [line for line in text.splitlines() if line.split()[:1] == ["sort"]]
    assert "one of" in sort and "-email" in sort  # enum parameters list their values
    assert "--all" in text  # a paginated operation says so

    get = operation("GET", "/api/users/v2/{id}")
    assert main(["ops", "show", get.name, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    (param,) = [p for p in shown["parameters"] if p["location"] == "path"]
    assert param["name"] == get.path_param and param["required"] is True


def test_call_all_follows_pagination(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    user_list = operation("GET", "/api/users/v2")
    for n in range(3):
        body = {"data": {"type": "ppms/user", "attributes": {"email": f"u{n}@example.com", "language": "en-US"}}}
        assert main(["call", invite.name, "--data", json.dumps(body)]) == 0
    capsys.readouterr()
    assert main(["call", user_list.name, "limit=1"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert len(page["data"]) == 1 and page["meta"]["total"] >= 4

    assert main(["call", user_list.name, "limit=1", "--all"]) == 0
    everyone = json.loads(capsys.readouterr().out)
    assert len(everyone) == page["meta"]["total"]
    assert {f"u{n}@example.com" for n in range(3)} <= {u["attributes"]["email"] for u in everyone}
    assert env.tokens_issued == 1


def test_request_uses_the_operations_media_type(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    body = {"data": {"type": "ppms/user", "attributes": {"email": "raw@example.com", "language": "en-US"}}}
    assert main(["request", "post", "/api/users/v2/invite", "--data", json.dumps(body)]) == 0
    assert json.loads(capsys.readouterr().out)["data"]["attributes"]["email"] == "raw@example.com"
    (sent,) = [r for r in env.requests if r.path == "/api/users/v2/invite"]
    assert sent.headers["content-type"] == "application/vnd.api+json"

    assert main(["request", "GET", "/api/users/v2", "limit=1", "search=raw@"]) == 0
    assert [u["attributes"]["email"] for u in json.loads(capsys.readouterr().out)["data"]] == ["raw@example.com"]

    assert main(["request", "FETCH", "/api/users/v2"]) == 2
    assert "unknown HTTP method 'FETCH'" in capsys.readouterr().err
    assert main(["request", "GET", "api/users/v2"]) == 2
    assert "PATH must start with /" in capsys.readouterr().err


def test_sandbox_command_delegates(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sandbox", "--help"])
    assert exc.value.code == 0
    assert "--port" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "call" in capsys.readouterr().err


def test_call_takes_the_apis_and_the_readable_parameter_names(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    tags = operation("GET", "/api/tag/v1/{app_id}/tags")
    app = "00000000-0000-0000-0000-000000000001"
    assert main(["call", tags.name, f"app_id={app}", "filter[name]=a", "page[limit]=5"]) == 0
    assert main(["call", tags.name, f"app_id={app}", "filter_name=b", "page_limit=6", "filter_is_active=true"]) == 0
    capsys.readouterr()
    sent = [dict(r.query) for r in env.requests if r.path == f"/api/tag/v1/{app}/tags"]
    assert sent == [
        {"filter[name]": "a", "page[limit]": "5"},
        {"filter[name]": "b", "page[limit]": "6", "filter[is_active]": "true"},
    ]
    assert main(["call", tags.name, f"app_id={app}", "filtername=c"]) == 2  # the old glued keyword is gone
    assert "did you mean filter[name]" in capsys.readouterr().err


def test_call_names_the_json_path_of_a_wrong_body(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    invite = operation("POST", "/api/users/v2/invite")
    body = {"data": {"type": "ppms/user", "attributes": {"language": "en-US"}}}
    assert main(["call", invite.name, "--data", json.dumps(body)]) == 2
    assert "data.attributes.email: required (JsonApiUserInvite)" in capsys.readouterr().err
    assert [r for r in env.requests if r.path == "/api/users/v2/invite"] == []

"""`piwik-pro export`: the Postman collection's structure (the v2.1 format's key rules, checked by hand:
the official JSON schema is not available here), its environment, and the OpenAPI files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from piwik_pro.cli import _postman
from piwik_pro.cli import main as cli_main
from piwik_pro.sandbox import DEMO_CLIENT_SECRET, SandboxDocs

pytestmark = [pytest.mark.timeout(300)]

METHODS = {"GET", "PUT", "POST", "PATCH", "DELETE", "COPY", "HEAD", "OPTIONS", "LINK", "UNLINK", "PURGE", "LOCK"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def built(sandbox_docs: SandboxDocs) -> dict[str, Any]:
    return _postman.collection(sandbox_docs)


def requests(items: list[dict[str, Any]], trail: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for item in items:
        if "item" in item:
            yield from requests(item["item"], (*trail, item["name"]))
        else:
            yield trail, item


def check_v21_structure(collection: dict[str, Any]) -> None:
    """The collection v2.1 format's required members and types, for every folder and request."""
    info = collection["info"]
    assert info["schema"] == _postman.SCHEMA_URL
    assert isinstance(info["name"], str) and UUID.match(info["_postman_id"])
    for var in collection["variable"]:
        assert set(var) <= {"key", "value", "type", "description", "disabled", "id", "name"}
        assert var["type"] in {"string", "boolean", "any", "number", "secret"}
    for event in collection["event"]:
        assert event["listen"] in {"prerequest", "test"}
        assert event["script"]["type"] == "text/javascript" and isinstance(event["script"]["exec"], list)
    assert collection["auth"]["type"] == "bearer"
    ids: set[str] = set()

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            assert isinstance(item["name"], str) and item["name"]
            assert item["id"] not in ids, f"duplicate id {item['id']}"
            ids.add(item["id"])
            if "item" in item:  # a folder
                assert "request" not in item
                walk(item["item"])
                continue
            request = item["request"]
            assert request["method"] in METHODS
            url = request["url"]
            assert url["raw"].startswith("{{baseUrl}}/") and url["host"] == ["{{baseUrl}}"]
            path_part = url["raw"].removeprefix("{{baseUrl}}").split("?", 1)[0]
            assert "/".join(url["path"]) == path_part.strip("/")
            assert "{" not in path_part.replace("{{baseUrl}}", ""), path_part  # :variables, not {templates}
            names = re.findall(r":([^/]+)", path_part)
            assert sorted(names) == sorted(v["key"] for v in url.get("variable", [])), (names, url)
            for q in url.get("query", []):
                assert isinstance(q["key"], str) and isinstance(q["value"], str)
            for h in request["header"]:
                assert isinstance(h["key"], str) and isinstance(h["value"], str)
            body = request.get("body")
            if body is not None:
                assert body["mode"] in {"raw", "urlencoded", "formdata", "file", "graphql"}
                if body["mode"] == "raw":
                    assert isinstance(body["raw"], str)
            if "auth" in request:
                assert request["auth"]["type"] in {"noauth", "bearer"}

    walk(collection["item"])


def test_collection_follows_the_v21_format(built: dict[str, Any]) -> None:
    check_v21_structure(built)


def test_one_request_per_operation_in_folders_per_api(built: dict[str, Any], sandbox_docs: SandboxDocs) -> None:
    api_requests = [(trail, item) for trail, item in requests(built["item"]) if trail[0] != "Getting started"]
    assert len(api_requests) == len(sandbox_docs.operations)
    folders = [f["name"] for f in built["item"]]
    assert folders[0] == "Getting started" and folders[1:] == sorted(folders[1:])
    names = {item["name"].split(" · ")[0] for _, item in api_requests}
    assert {"invite_user", "get_user", "list_users"} <= names


def _find(built: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for _, item in requests(built["item"]) if item["name"].split(" · ")[0] == name)["request"]


def test_requests_carry_the_fixed_docs_media_types_and_examples(built: dict[str, Any]) -> None:
    invite = _find(built, "invite_user")
    headers = {h["key"]: h["value"] for h in invite["header"]}
    assert headers == {"Accept": "application/vnd.api+json", "Content-Type": "application/vnd.api+json"}
    assert json.loads(invite["body"]["raw"])["data"]["type"] == "ppms/user"
    get = _find(built, "get_user")
    assert get["url"]["raw"] == "{{baseUrl}}/api/users/v2/:userId"
    assert "body" not in get
    listing = _find(built, "list_users")["url"]
    assert listing["query"] and all(q.get("disabled") for q in listing["query"])  # every one is optional
    assert "invite" in invite["description"].lower() or "piwik-pro call invite_user" in invite["description"]
    # Somewhere the API takes plain JSON, and the collection says so.
    plain = [
        item["request"]
        for _, item in requests(built["item"])
        if item["request"].get("body")
        and {"key": "Content-Type", "value": "application/json"} in item["request"]["header"]
    ]
    assert plain, "no plain-JSON operation found"
    # Postman drops GET bodies unless told not to; where the doc gives a GET a body, it is kept.
    for _, item in requests(built["item"]):
        if item["request"]["method"] == "GET" and "body" in item["request"]:
            assert item["protocolProfileBehavior"] == {"disableBodyPruning": True}, item["name"]


def test_token_script_variables_and_walkthrough(built: dict[str, Any]) -> None:
    variables = {v["key"]: v for v in built["variable"]}
    assert {"baseUrl", "clientId", "clientSecret"} <= set(variables)
    assert variables["clientSecret"]["type"] == "secret" and variables["clientSecret"]["value"] == ""
    script = "\n".join(built["event"][0]["script"]["exec"])
    assert "pm.sendRequest" in script and "/auth/token" in script and "60 * 1000" in script
    assert "client_credentials" in script
    assert built["auth"]["bearer"][0]["value"] == "{{accessToken}}"
    steps = built["item"][0]["item"]
    assert [s["request"]["method"] for s in steps] == ["POST", "POST", "GET", "PATCH", "DELETE"]
    assert "de-DE" in steps[3]["request"]["body"]["raw"]
    assert "pm.collectionVariables.set('userId'" in "\n".join(steps[1]["event"][0]["script"]["exec"])


def test_export_commands(sandbox_docs: SandboxDocs, docs_source: str, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "users.postman.json"
    assert cli_main(["export", "postman", "users", "-o", str(out), "--docs", docs_source]) == 0
    only_users = json.loads(out.read_text())
    assert [f["name"] for f in only_users["item"]] == ["Getting started", "users"]
    check_v21_structure(only_users)

    assert cli_main(["export", "postman-env", "--base-url", "https://acme.piwik.pro/", "--client-id", "abc"]) == 0
    captured = capsys.readouterr()
    env = json.loads(captured.out)
    assert {v["key"]: v["value"] for v in env["values"]} == {
        "baseUrl": "https://acme.piwik.pro",
        "clientId": "abc",
        "clientSecret": "",
    }
    assert "clientSecret" in captured.err and DEMO_CLIENT_SECRET not in captured.out + captured.err

    folder = tmp_path / "openapi"
    assert cli_main(["export", "openapi", "users", "apps", "-o", str(folder), "--docs", docs_source]) == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["apps.json", "users.json"]
    doc = json.loads((folder / "users.json").read_text())
    assert doc["openapi"].startswith("3.") and doc == sandbox_docs.docs["users"]  # the fixed doc

    assert cli_main(["export", "postman", "no_such_api", "--docs", docs_source]) == 2
    assert "unknown API 'no_such_api'" in capsys.readouterr().err


def test_same_docs_same_collection(sandbox_docs: SandboxDocs) -> None:
    assert json.dumps(_postman.collection(sandbox_docs)) == json.dumps(_postman.collection(sandbox_docs))

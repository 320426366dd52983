"""Users v2 with state: the Getting-started walkthrough and the users doc's validation errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OWNER_EMAIL, OWNER_PASSWORD, Sandbox, SandboxDocs

from ._helpers import JSON_API, auth, errors, get_token, invite_body

pytestmark = pytest.mark.timeout(60)

USERS = "/api/users/v2"


class Api:
    """Sends JSON:API bodies exactly as the guide's curl calls do (explicit headers, raw JSON text)."""

    def __init__(self, http: httpx.Client, sandbox: Sandbox) -> None:
        self.http = http
        self.url = sandbox.url
        self.headers = auth(get_token(http, sandbox))

    def send(self, method: str, path: str, body: Any = None, **params: str) -> httpx.Response:
        headers = dict(self.headers)
        content = None
        if body is not None:
            headers["Content-Type"] = JSON_API
            content = json.dumps(body).encode()
        return self.http.request(method, self.url + path, headers=headers, content=content, params=params)

    def invite(self, email: str = "user@example.com", language: str = "en-US") -> str:
        response = self.send("POST", f"{USERS}/invite", invite_body(email, language))
        assert response.status_code == 201, response.text
        user_id: str = response.json()["data"]["id"]
        return user_id


@pytest.fixture
def api(http: httpx.Client, sandbox: Sandbox) -> Api:
    return Api(http, sandbox)


def expect_doc_error(
    docs: SandboxDocs, response: httpx.Response, example: str, *values: str, status: int = 400
) -> dict[str, Any]:
    """The answer is the doc's example `example` (same status and code) with this request's values in it.

    A users doc without that example gets the sandbox's own error: a complete JSON:API error object.
    """
    assert response.status_code == status, response.text
    [error] = errors(response)
    documented = docs.error_example(example)
    if documented is None:
        assert_complete_error(error, status)
        return error
    assert error["code"] == documented["code"]
    assert error.get("source") == documented.get("source")
    text = error["title"] + error.get("detail", "")
    for value in values:
        assert value in text, (value, text)
    return error


def assert_complete_error(error: dict[str, Any], status: int) -> None:
    assert error["status"] == str(status), error
    assert isinstance(error.get("title"), str) and error["title"], error
    assert isinstance(error.get("detail"), str) and error["detail"], error
    assert isinstance(error.get("source"), dict) and set(error["source"]) & {"pointer", "parameter", "header"}, error


def test_getting_started_walkthrough_as_the_guides_curl_calls(http: httpx.Client, sandbox: Sandbox) -> None:
    url = sandbox.url
    # curl -X POST {account}/auth/token -H "Content-Type: application/json" --data '{...}'
    token_response = http.post(
        f"{url}/auth/token",
        headers={"Content-Type": "application/json"},
        content=(
            '{"grant_type": "client_credentials", '
            f'"client_id": "{DEMO_CLIENT_ID}", "client_secret": "{DEMO_CLIENT_SECRET}"}}'
        ),
    )
    assert token_response.status_code == 200
    token = token_response.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": JSON_API}

    invited = http.post(
        f"{url}/api/users/v2/invite",
        headers=headers,
        content='{"data": {"type": "ppms/user", "attributes": {"email": "user@example.com", "language": "en-US"}}}',
    )
    assert invited.status_code == 201
    assert invited.headers["content-type"] == JSON_API
    user = invited.json()["data"]
    assert user["type"] == "ppms/user"
    assert user["attributes"]["email"] == "user@example.com"
    assert user["attributes"]["language"] == "en-US"
    user_id = user["id"]

    got = http.get(f"{url}/api/users/v2/{user_id}", headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200
    assert got.json()["data"]["attributes"]["email"] == "user@example.com"

    changed = http.patch(
        f"{url}/api/users/v2/{user_id}",
        headers=headers,
        content=f'{{"data": {{"id": "{user_id}", "type": "ppms/user", "attributes": {{"language": "de-DE"}}}}}}',
    )
    assert changed.status_code == 204
    assert changed.content == b""
    got = http.get(f"{url}/api/users/v2/{user_id}", headers={"Authorization": f"Bearer {token}"})
    assert got.json()["data"]["attributes"]["language"] == "de-DE"

    deleted = http.delete(f"{url}/api/users/v2/{user_id}", headers={"Authorization": f"Bearer {token}"})
    assert deleted.status_code == 204

    gone = http.get(f"{url}/api/users/v2/{user_id}", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 404
    assert user_id in errors(gone)[0]["title"]
    assert sandbox.tokens_issued == 1


def test_json_api_body_sent_as_application_json_is_the_docs_content_type_error(
    api: Api, sandbox_docs: SandboxDocs
) -> None:
    response = api.http.post(f"{api.url}{USERS}/invite", headers=api.headers, json=invite_body())
    expect_doc_error(sandbox_docs, response, "invalid_content_type", "application/json")
    assert errors(response)[0]["code"] == "error.json-api-content-type"
    # Nothing was created.
    assert api.send("GET", USERS).json()["meta"]["total"] == 1


def test_list_offset_limit_search_sort_and_total(api: Api) -> None:
    ids = {email: api.invite(email) for email in ("c@example.com", "a@example.com", "b@example.com")}
    listed = api.send("GET", USERS, sort="email").json()
    assert [u["attributes"]["email"] for u in listed["data"]] == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        OWNER_EMAIL,
    ]
    assert listed["meta"]["total"] == 4
    page = api.send("GET", USERS, sort="-email", offset="1", limit="2").json()
    assert [u["attributes"]["email"] for u in page["data"]] == ["c@example.com", "b@example.com"]
    assert page["meta"]["total"] == 4
    found = api.send("GET", USERS, search="B@EXAMPLE").json()
    assert [u["id"] for u in found["data"]] == [ids["b@example.com"]]
    assert found["meta"]["total"] == 1
    by_id = api.send("GET", USERS, search=ids["a@example.com"]).json()
    assert [u["attributes"]["email"] for u in by_id["data"]] == ["a@example.com"]
    newest_first = api.send("GET", USERS).json()["data"]  # default sort: -addedAt
    assert newest_first[-1]["attributes"]["email"] == OWNER_EMAIL


@pytest.mark.parametrize(
    ("params", "example", "values"),
    [
        ({"offset": "-1"}, "invalid_offset", ("-1",)),
        ({"limit": "-1"}, "invalid_limit", ("-1",)),
        ({"limit": "1001"}, "invalid_limit_over", ("1001",)),
        ({"sort": "name"}, "invalid_sort", ("name",)),
    ],
)
def test_list_parameter_errors(
    api: Api, sandbox_docs: SandboxDocs, params: dict[str, str], example: str, values: tuple[str, ...]
) -> None:
    expect_doc_error(sandbox_docs, api.send("GET", USERS, **params), example, *values)


def test_get_invalid_uuid_and_missing_user(api: Api, sandbox_docs: SandboxDocs) -> None:
    expect_doc_error(sandbox_docs, api.send("GET", f"{USERS}/not-a-uuid"), "invalid_uuid", "not-a-uuid")
    missing = "6e82f3aa-0000-4000-8000-000000000001"
    expect_doc_error(sandbox_docs, api.send("GET", f"{USERS}/{missing}"), "user_does_not_exist", missing, status=404)
    expect_doc_error(sandbox_docs, api.send("DELETE", f"{USERS}/{missing}"), "user_does_not_exist", status=404)


@pytest.mark.parametrize(
    ("attributes", "example", "values"),
    [
        ({"email": "user@example.com", "language": "pl"}, "unsupported_language", ("pl",)),
        ({"email": "user@example.com", "language": "english"}, "unsupported_language_tag", ()),
        ({"email": "user@example.com", "language": "en-EN"}, "unsupported_language_region", ("EN",)),
        ({"email": "", "language": "en-US"}, "email_should_not_be_blank", ()),
        ({"language": "en-US"}, "email_should_not_be_blank", ()),
        ({"email": "example.com"}, "email_invalid_value", ("example.com",)),
        ({"email": 42}, "email_invalid_type", ()),
    ],
)
def test_invite_validation_errors(
    api: Api, sandbox_docs: SandboxDocs, attributes: dict[str, Any], example: str, values: tuple[str, ...]
) -> None:
    body = {"data": {"type": "ppms/user", "attributes": attributes}}
    expect_doc_error(sandbox_docs, api.send("POST", f"{USERS}/invite", body), example, *values)


def test_invite_twice_is_user_already_exists(api: Api, sandbox_docs: SandboxDocs) -> None:
    api.invite("twice@example.com")
    response = api.send("POST", f"{USERS}/invite", invite_body("twice@example.com"))
    expect_doc_error(sandbox_docs, response, "user_already_exists", "twice@example.com")


def test_invalid_json_api_documents(api: Api, sandbox_docs: SandboxDocs) -> None:
    wrong_type = {"data": {"type": "invalid/type", "attributes": {"email": "x@example.com"}}}
    expect_doc_error(
        sandbox_docs, api.send("POST", f"{USERS}/invite", wrong_type), "invalid_json_api_type", "invalid/type"
    )
    expect_doc_error(sandbox_docs, api.send("POST", f"{USERS}/invite", {"nodata": 1}), "invalid_json_api_content")
    raw = api.http.post(
        f"{api.url}{USERS}/invite", headers={**api.headers, "Content-Type": JSON_API}, content=b"{not json"
    )
    expect_doc_error(sandbox_docs, raw, "invalid_json_api_content")
    not_object = {"data": {"type": "ppms/user", "attributes": 5}}
    expect_doc_error(sandbox_docs, api.send("POST", f"{USERS}/invite", not_object), "invalid_attributes", "int")


def test_edit_errors_id_missing_mismatch_and_unknown(api: Api, sandbox_docs: SandboxDocs) -> None:
    user_id = api.invite()
    other = api.invite("other@example.com")
    no_id = {"data": {"type": "ppms/user", "attributes": {"language": "de-DE"}}}
    expect_doc_error(sandbox_docs, api.send("PATCH", f"{USERS}/{user_id}", no_id), "json_api_id_not_provided")
    mismatch = {"data": {"id": other, "type": "ppms/user", "attributes": {"language": "de-DE"}}}
    response = api.send("PATCH", f"{USERS}/{user_id}", mismatch)
    edit = sandbox_docs.find("PATCH", f"{USERS}/{{userId}}")
    assert edit is not None
    assert response.status_code == (409 if 409 in edit.responses else 400)
    [error] = errors(response)
    assert other in error["detail"] and user_id in error["detail"]
    assert error["source"] == {"pointer": "/data"}
    bad_language = {"data": {"id": user_id, "type": "ppms/user", "attributes": {"language": "pl-PL"}}}
    expect_doc_error(sandbox_docs, api.send("PATCH", f"{USERS}/{user_id}", bad_language), "unsupported_language", "pl")
    # None of the failed edits changed anything.
    assert api.send("GET", f"{USERS}/{user_id}").json()["data"]["attributes"]["language"] == "en-US"


def test_change_role_and_own_account_rules(api: Api, sandbox_docs: SandboxDocs) -> None:
    user_id = api.invite()
    body = {"data": {"id": user_id, "type": "ppms/user", "attributes": {"role": "OWNER"}}}
    assert api.send("PATCH", f"{USERS}/{user_id}/change-role", body).status_code == 204
    assert api.send("GET", f"{USERS}/{user_id}").json()["data"]["attributes"]["role"] == "OWNER"
    bad = {"data": {"id": user_id, "type": "ppms/user", "attributes": {"role": "ADMIN"}}}
    response = api.send("PATCH", f"{USERS}/{user_id}/change-role", bad)
    expect_doc_error(sandbox_docs, response, "invalid_role", "ADMIN")

    me = api.send("GET", f"{USERS}/me").json()["data"]
    assert me["attributes"]["email"] == OWNER_EMAIL
    demote_me = {"data": {"id": me["id"], "type": "ppms/user", "attributes": {"role": "USER"}}}
    response = api.send("PATCH", f"{USERS}/{me['id']}/change-role", demote_me)
    expect_doc_error(sandbox_docs, response, "cannot_change_own_role")
    expect_doc_error(sandbox_docs, api.send("DELETE", f"{USERS}/{me['id']}"), "cannot_delete_own_account")
    assert api.send("DELETE", f"{USERS}/{user_id}").status_code == 204
    assert api.send("GET", USERS).json()["meta"]["total"] == 1


def test_me_edit_and_change_password(api: Api, sandbox_docs: SandboxDocs) -> None:
    edit = {"data": {"type": "ppms/user", "attributes": {"language": "fr-FR"}}}
    assert api.send("PATCH", f"{USERS}/me", edit).status_code == 204
    assert api.send("GET", f"{USERS}/me").json()["data"]["attributes"]["language"] == "fr-FR"
    assert api.send("GET", f"{USERS}/me/details").json()["data"]["attributes"]["language"] == "fr-FR"

    def change(current: Any, new: str) -> httpx.Response:
        attributes = {"currentPassword": current, "newPassword": new}
        return api.send(
            "PATCH", f"{USERS}/me/change-password", {"data": {"type": "ppms/user", "attributes": attributes}}
        )

    expect_doc_error(sandbox_docs, change("wrong-Passw0rd", "Another-Passw0rd"), "invalid_current_password")
    expect_doc_error(sandbox_docs, change(123, "Another-Passw0rd"), "invalid_current_password_type")
    expect_doc_error(sandbox_docs, change(OWNER_PASSWORD, "weak"), "invalid_new_password")
    assert change(OWNER_PASSWORD, "Another-Passw0rd").status_code == 204
    assert change(OWNER_PASSWORD, "Third-Passw0rd99").status_code == 400  # the old one no longer works


def test_add_user_with_password_and_role(api: Api, sandbox_docs: SandboxDocs) -> None:
    attributes = {"email": "added@example.com", "password": "Strong-Passw0rd", "role": "OWNER", "language": "sv-SE"}
    response = api.send("POST", USERS, {"data": {"type": "ppms/user", "attributes": attributes}})
    assert response.status_code == 201
    assert response.json()["data"]["attributes"]["role"] == "OWNER"
    weak = {**attributes, "email": "weak@example.com", "password": "short"}
    response = api.send("POST", USERS, {"data": {"type": "ppms/user", "attributes": weak}})
    expect_doc_error(sandbox_docs, response, "invalid_password_policy")
    # The doc's policy is the character classes its error states; its own valid example is 10 characters.
    brief = {**attributes, "email": "brief@example.com", "password": "Pass1word"}
    response = api.send("POST", USERS, {"data": {"type": "ppms/user", "attributes": brief}})
    assert response.status_code == 201, response.text


def test_each_sandbox_starts_with_only_the_owner(sandbox_docs: SandboxDocs, http: httpx.Client) -> None:
    for _ in range(2):
        with Sandbox(sandbox_docs) as sb:
            api = Api(http, sb)
            assert api.send("GET", USERS).json()["meta"]["total"] == 1
            api.invite()

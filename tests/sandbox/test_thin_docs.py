"""A release whose users doc lacks error examples and the 409 still gets complete JSON:API errors.

The doc is the real users doc (PIWIK_PRO_DOCS_SOURCE) thinned in memory: its `invalid_attributes` and
`id_mismatch` examples and every PATCH 409 response removed, as in an older release.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from piwik_pro.sandbox import Sandbox, SandboxDocs

from ._helpers import errors, get_token
from .test_users import USERS, Api, assert_complete_error

pytestmark = pytest.mark.timeout(60)

_DROPPED = ("invalid_attributes", "id_mismatch")


def _thin(node: Any) -> None:
    if isinstance(node, dict):
        for key in _DROPPED:
            node.pop(key, None)
        for value in node.values():
            _thin(value)
    elif isinstance(node, list):
        for item in node:
            _thin(item)


@pytest.fixture(scope="module")
def thin_docs(sandbox_docs: SandboxDocs) -> SandboxDocs:
    if "users" not in sandbox_docs.docs:
        pytest.skip("this docs release has no users doc")
    doc = copy.deepcopy(sandbox_docs.docs["users"])
    _thin(doc.get("components"))
    for item in (doc.get("paths") or {}).values():
        _thin(item)
        if isinstance(item, dict) and isinstance(item.get("patch"), dict):
            item["patch"].get("responses", {}).pop("409", None)
    docs = SandboxDocs({"users": doc})
    assert docs.error_example("invalid_attributes") is None and docs.error_example("id_mismatch") is None
    return docs


@pytest.fixture
def thin(thin_docs: SandboxDocs) -> Iterator[Sandbox]:
    with Sandbox(thin_docs) as sb:
        yield sb


def test_fallback_errors_are_complete_when_the_doc_has_no_example(thin: Sandbox) -> None:
    with httpx.Client(timeout=10) as http:
        api = Api(http, thin)
        get_token(http, thin)
        response = api.send("POST", f"{USERS}/invite", {"data": {"type": "ppms/user", "attributes": 5}})
        assert response.status_code == 400, response.text
        [error] = errors(response)
        assert_complete_error(error, 400)


def test_id_mismatch_without_a_documented_409_is_a_complete_400(thin: Sandbox) -> None:
    with httpx.Client(timeout=10) as http:
        api = Api(http, thin)
        user_id, other = api.invite(), api.invite("other@example.com")
        body = {"data": {"id": other, "type": "ppms/user", "attributes": {"language": "de-DE"}}}
        response = api.send("PATCH", f"{USERS}/{user_id}", body)
        assert response.status_code == 400, response.text
        [error] = errors(response)
        assert_complete_error(error, 400)
        assert other in error["detail"] and user_id in error["detail"]
        assert error["source"] == {"pointer": "/data"}

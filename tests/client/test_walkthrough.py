"""Piwik PRO's Getting-started walkthrough through the typed generated functions and PiwikPro.

invite user@example.com (en-US) -> get -> change the language to de-DE -> delete -> get again (404).
Operations are found by method and path in the operation index, so the test does not hard-code
generated names.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import piwik_pro
import pytest
from piwik_pro import AsyncPiwikPro, NotFoundError, OperationInfo, PiwikPro
from piwik_pro._operations import match_path
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(60)

USER_ID = "/api/users/v2/00000000-0000-0000-0000-000000000000"


def op(method: str, path: str) -> OperationInfo:
    found = match_path(method, path)
    assert found is not None, f"the operation index has no {method} {path}"
    return found


def body_model(info: OperationInfo, data: dict[str, Any]) -> Any:
    assert info.body is not None and info.body.module and info.body.model
    return getattr(importlib.import_module(info.body.module), info.body.model).from_dict(data)


def path_param(info: OperationInfo) -> str:
    return next(p.python_name for p in info.parameters if p.location == "path")


def user_of(parsed: Any) -> tuple[str, str]:
    """(id, language) from a parsed JSON:API single-user document."""
    data = parsed.data
    attributes = data.attributes
    language = attributes.language if not hasattr(attributes.language, "value") else attributes.language.value
    return str(data.id), str(language)


def test_walkthrough_generated_functions_with_client(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite, get = op("POST", "/api/users/v2/invite"), op("GET", USER_ID)
    edit, delete = op("PATCH", USER_ID), op("DELETE", USER_ID)

    invited = invite.load().sync(
        client=pp,
        body=body_model(
            invite, {"data": {"type": "ppms/user", "attributes": {"email": "user@example.com", "language": "en-US"}}}
        ),
    )
    user_id, language = user_of(invited)
    assert language == "en-US"

    fetched = get.load().sync(client=pp, **{path_param(get): user_id})
    assert user_of(fetched) == (user_id, "en-US")

    body = body_model(edit, {"data": {"id": user_id, "type": "ppms/user", "attributes": {"language": "de-DE"}}})
    changed = edit.load().sync_detailed(client=pp, body=body, **{path_param(edit): user_id})
    assert changed.status_code == 204
    assert user_of(get.load().sync(client=pp, **{path_param(get): user_id}))[1] == "de-DE"

    gone = delete.load().sync_detailed(client=pp, **{path_param(delete): user_id})
    assert gone.status_code == 204
    with pytest.raises(NotFoundError) as caught:
        get.load().sync(client=pp, **{path_param(get): user_id})
    assert caught.value.errors and caught.value.request_id

    assert sandbox.tokens_issued == 1
    bodies = [r for r in api_requests(sandbox) if r.body]
    assert bodies and all(r.content_type == "application/vnd.api+json" for r in bodies)


def test_walkthrough_through_accessors(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite, get = op("POST", "/api/users/v2/invite"), op("GET", USER_ID)
    edit, delete = op("PATCH", USER_ID), op("DELETE", USER_ID)
    users = getattr(pp, invite.accessor)

    invited = getattr(users, invite.name)(
        body=body_model(
            invite, {"data": {"type": "ppms/user", "attributes": {"email": "u2@example.com", "language": "en-US"}}}
        )
    )
    user_id, _ = user_of(invited)
    body = body_model(edit, {"data": {"id": user_id, "type": "ppms/user", "attributes": {"language": "de-DE"}}})
    assert getattr(users, edit.name).detailed(body=body, **{path_param(edit): user_id}).status_code == 204
    assert user_of(getattr(users, get.name)(**{path_param(get): user_id}))[1] == "de-DE"
    getattr(users, delete.name)(**{path_param(delete): user_id})
    with pytest.raises(NotFoundError):
        getattr(users, get.name)(**{path_param(get): user_id})


def test_walkthrough_async(sandbox: Sandbox) -> None:
    invite, get, delete = op("POST", "/api/users/v2/invite"), op("GET", USER_ID), op("DELETE", USER_ID)

    async def main() -> None:
        async with AsyncPiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as pp:
            users = getattr(pp, invite.accessor)
            invited = await getattr(users, invite.name)(
                body=body_model(
                    invite,
                    {"data": {"type": "ppms/user", "attributes": {"email": "a@example.com", "language": "en-US"}}},
                )
            )
            user_id, _ = user_of(invited)
            fetched = await get.load().asyncio(client=pp, **{path_param(get): user_id})
            assert user_of(fetched)[0] == user_id
            await getattr(users, delete.name)(**{path_param(delete): user_id})
            with pytest.raises(NotFoundError):
                await getattr(users, get.name)(**{path_param(get): user_id})

    asyncio.run(main())
    assert sandbox.tokens_issued == 1


def test_html_error_on_a_documented_status_through_generated_sync(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite = op("POST", "/api/users/v2/invite")
    sandbox.faults.add(kind="html", status=400, times=1, route="POST /api/users/v2/invite")
    body = body_model(
        invite, {"data": {"type": "ppms/user", "attributes": {"email": "h@example.com", "language": "en-US"}}}
    )
    with pytest.raises(piwik_pro.BadRequestError) as caught:
        invite.load().sync(client=pp, body=body)
    assert caught.value.body_snippet == "400 Error"

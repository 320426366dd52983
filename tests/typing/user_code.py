"""How a user writes against the typed client: the Getting-started walkthrough, a list, paginate,
detailed, a typed NotFoundError, the async twin, one Tag Manager call and one analytics query.

Checked by tests/typing/test_typing.py with `mypy --strict --disallow-any-expr` and pyright strict
(0 errors; no cast, no isinstance, no type: ignore), and run against the sandbox. Environment:
PIWIK_PRO_HOST, PIWIK_PRO_CLIENT_ID, PIWIK_PRO_CLIENT_SECRET; PIWIK_PRO_APP_ID and PIWIK_PRO_SITE_ID
are optional.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import date
from uuid import UUID

from piwik_pro import AsyncPiwikPro, NotFoundError, PiwikPro
from piwik_pro_api.analytics.models import ColumnsItem, ExecuteQueryBody
from piwik_pro_api.types import JSONValue
from piwik_pro_api.users.models.json_api_edit_user import JsonApiEditUserDict
from piwik_pro_api.users.models.json_api_user_invite import JsonApiUserInviteDict

APP_ID = UUID(os.environ.get("PIWIK_PRO_APP_ID", "00000000-0000-4000-8000-000000000001"))
SITE_ID = UUID(os.environ.get("PIWIK_PRO_SITE_ID", "00000000-0000-4000-8000-000000000001"))


def invite_body(email: str) -> JsonApiUserInviteDict:
    # A body as a plain dict, typed by the generated TypedDict (the model works too).
    return {"data": {"type": "ppms/user", "attributes": {"email": email, "language": "en-US"}}}


def walkthrough(pp: PiwikPro) -> None:
    invited = pp.users.invite_user(body=invite_body("typed@example.com"))
    user_id: UUID = invited.data.id  # JSON:API: a success document has data, a resource object its id
    print(f"invited: {user_id}")

    user = pp.users.get_user(user_id=user_id)
    if user.data.attributes:
        print(f"email {user.data.attributes.email}, language {user.data.attributes.language}")
    print(f"as JSON: {json.dumps(user.to_dict())}")  # to_dict() and extra keys are JSON values, not Any
    extra: dict[str, JSONValue] = user.data.additional_properties
    print(f"extra keys: {sorted(extra)}")

    edit: JsonApiEditUserDict = {"data": {"type": "ppms/user", "id": str(user_id), "attributes": {"language": "de-DE"}}}
    nothing: None = pp.users.update_user(user_id=user_id, body=edit)  # 204 No Content
    print(f"updated: {nothing}")

    response = pp.users.get_user.detailed(user_id=user_id)  # the typed Response, never raises for status
    status: int = response.status_code
    data = response.parsed.data
    language = data.attributes.language if data and data.attributes else None
    print(f"detailed: {status}, language {language}")

    pp.users.delete_user(user_id=user_id)
    try:
        pp.users.get_user(user_id=user_id)
    except NotFoundError as exc:
        title = exc.errors[0].title if exc.errors else None
        print(f"deleted: {exc.status_code} {title}")


def lists(pp: PiwikPro) -> None:
    page = pp.users.list_users(limit=10)
    total: int | None = page.meta.total if page.meta else None
    print(f"users: {total} in all, {len(page.data or [])} on the first page")
    emails: list[str] = []
    for item in pp.users.list_users.paginate(limit=2):
        if item.attributes and item.attributes.email:
            emails.append(item.attributes.email)
    print(f"paginated: {len(emails)} emails")


def tag_manager(pp: PiwikPro) -> None:
    tags = pp.tag_manager.tags.list_tags(app_id=APP_ID)
    names = [tag.attributes.name for tag in tags.data]
    print(f"tags: {len(names)}")


def analytics(pp: PiwikPro) -> None:
    # A body as its model, built with the constructor (a dict works too, see invite_body).
    query = ExecuteQueryBody(
        website_id=SITE_ID,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 7),
        columns=[ColumnsItem(column_id="sessions")],
    )
    report = pp.analytics.execute_query(body=query)
    count = report.meta.count if report.meta else None
    print(f"analytics rows: {count}")


async def walkthrough_async() -> None:
    async with AsyncPiwikPro.from_env() as pp:
        invited = await pp.users.invite_user(body=invite_body("async@example.com"))
        user_id = invited.data.id
        user = await pp.users.get_user(user_id=user_id)
        print(f"async: got {user.data.id}")
        response = await pp.users.list_users.detailed(limit=1)
        print(f"async detailed: {response.status_code}")
        seen = [item.id async for item in pp.users.list_users.paginate(limit=2)]
        print(f"async paginated: {len(seen)}")
        await pp.users.delete_user(user_id=user_id)
        try:
            await pp.users.get_user(user_id=user_id)
        except NotFoundError as exc:
            print(f"async deleted: {exc.status_code}")


def main() -> None:
    with PiwikPro.from_env() as pp:
        walkthrough(pp)
        lists(pp)
        tag_manager(pp)
        analytics(pp)
    asyncio.run(walkthrough_async())


if __name__ == "__main__":
    main()

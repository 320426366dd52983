"""Mistakes a user makes, one per line marked `# mistake: ...`; both checkers must flag each marked
line and nothing else (tests/typing/test_typing.py). Never run."""

from __future__ import annotations

from uuid import UUID

from piwik_pro import AsyncPiwikPro, PiwikPro
from piwik_pro_api.users.models import (
    JsonApiUserInvite,
    JsonApiUserInviteData,
    JsonApiUserInviteDataAttributes,
    JsonApiUserType,
)

USER_ID = UUID("00000000-0000-4000-8000-000000000001")


def sync_mistakes(pp: PiwikPro, body: JsonApiUserInvite) -> None:
    pp.users.invite_usr(body=body)  # mistake: misspelled operation
    pp.users.get_user(user_id=123)  # mistake: wrong argument type
    pp.users.get_user()  # mistake: missing required argument
    pp.userz.list_users()  # mistake: unknown API
    pp.tag_manager.tagz.list_tags(app_id=USER_ID)  # mistake: unknown API in a group
    count: int = pp.users.get_user(user_id=USER_ID)  # mistake: result used as the wrong type
    print(count)
    pp.users.get_user.paginate(user_id=USER_ID)  # mistake: paginate on an operation that is not a list
    pp.users.list_users(limit="10")  # mistake: wrong type for a query parameter
    pp.users.get_user(user_id=USER_ID).to_dict()["data"].upper()  # mistake: a JSON value used without narrowing


def body_mistakes(pp: PiwikPro, attributes: JsonApiUserInviteDataAttributes) -> None:
    pp.users.invite_user(body={"data": {"type": "ppms/user", "attributes": {"email": 1}}})  # mistake: dict body type
    pp.users.invite_user(body={"data": {"type": "ppms/usr", "attributes": {}}})  # mistake: dict body enum value
    JsonApiUserInviteDataAttributes(email=123, language="en-US")  # mistake: wrong type inside a body model
    JsonApiUserInviteData(type_="ppms/user", attributes=attributes)  # mistake: a str for an enum field
    JsonApiUserInvite(data=JsonApiUserInviteData(type_=JsonApiUserType.PPMSUSER, attributes=attributes))


async def async_mistakes(pp: AsyncPiwikPro) -> None:
    pp.users.delete_user(user_id=USER_ID)  # mistake: missing await
    list(pp.users.list_users.paginate(limit=2))  # mistake: a plain iteration of an async iterator
    print(pp.users.get_user(user_id=USER_ID).data)  # mistake: attribute of an un-awaited coroutine

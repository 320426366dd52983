"""What typed calls accept as a success, over real HTTP from a small misbehaving server on 127.0.0.1.

`pp.<api>.<operation>(...)` (and the generated sync()/asyncio()) return only a documented success:
a 3xx or an undocumented 2xx raises UnexpectedStatusError; a success whose body is not the documented
media type, not UTF-8, not JSON or does not fit the model raises APIResponseValidationError.
`.detailed(...)` never raises for the status or the body; its `.parsed` raises what the call would.
Also: the resources' docs and signatures (help(), UNSET), and that a first call stays lazy.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import pydoc
import subprocess
import sys
from collections.abc import Iterator
from uuid import UUID

import pytest
from piwik_pro import (
    APIResponseValidationError,
    AsyncPiwikPro,
    NotFoundError,
    PiwikPro,
    UnexpectedStatusError,
)

from tests.servers import Behaviour, Exchange, MisbehavingServer, reply

JSON_API = "application/vnd.api+json"
USER = {"id": "00000000-0000-4000-8000-000000000002", "type": "ppms/user", "attributes": {"email": "a@b.c"}}
LIST = json.dumps({"meta": {"total": 1}, "data": [USER]}).encode()
USER_ID = UUID(USER["id"])


class _Answer:
    accept: str | None = None  # the Accept header of the last request
    status = 200
    content_type: str | None = JSON_API
    body = LIST
    headers: dict[str, str] = {}  # noqa: RUF012


def _answering(answer: _Answer) -> Behaviour:
    """Every request gets what `answer` holds at that moment (tests change it between calls)."""

    def behave(ex: Exchange) -> None:
        answer.accept = next((v for k, v in ex.headers.items() if k.lower() == "accept"), None)
        headers = {"Content-Type": answer.content_type} if answer.content_type is not None else {}
        body = b"" if answer.status in (204, 304) else answer.body
        reply(answer.status, body, headers={**headers, **answer.headers})(ex)

    return behave


@pytest.fixture
def server(misbehaving_server: MisbehavingServer) -> tuple[str, _Answer]:
    answer = _Answer()
    misbehaving_server.otherwise(_answering(answer))
    return misbehaving_server.url, answer


@pytest.fixture
def pp(server: tuple[str, _Answer]) -> Iterator[PiwikPro]:
    with PiwikPro(server[0], token="test-token", max_retries=0) as client:
        yield client


def test_a_documented_success_parses(server: tuple[str, _Answer], pp: PiwikPro) -> None:
    server[1].content_type = JSON_API + "; charset=utf-8"  # parameters do not change the media type
    page = pp.users.list_users()
    assert page.data and page.data[0].id == USER_ID
    assert [u.id for u in pp.users.list_users.paginate(limit=10)] == [USER_ID]


@pytest.mark.parametrize("status", [204, 299])  # list_users documents 200 only; 299 is no standard code
def test_an_undocumented_2xx_is_an_unexpected_status(server: tuple[str, _Answer], pp: PiwikPro, status: int) -> None:
    server[1].status = status
    with pytest.raises(UnexpectedStatusError) as caught:
        pp.users.list_users()
    assert caught.value.status_code == status
    response = pp.users.list_users.detailed()  # never raises for status ...
    assert response.status_code == status
    with pytest.raises(UnexpectedStatusError):
        response.parsed  # noqa: B018  ... but the success value is not there


def test_operations_on_paths_with_renamed_placeholders_send_the_docs_accept(
    server: tuple[str, _Answer], pp: PiwikPro
) -> None:
    # The doc spells the path /api/users/v2/{userId}; the generated function's is {user_id}.
    server[1].body = json.dumps({"data": USER}).encode()
    assert pp.users.get_user(user_id=USER_ID).data
    assert server[1].accept == JSON_API


def test_a_redirect_is_an_unexpected_status(server: tuple[str, _Answer], pp: PiwikPro) -> None:
    server[1].status, server[1].headers = 302, {"Location": "https://elsewhere.example/"}
    with pytest.raises(UnexpectedStatusError) as caught:
        pp.users.get_user(user_id=USER_ID)
    assert caught.value.status_code == 302


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/html", b"<html>proxy</html>", id="html-media-type"),
        pytest.param(None, LIST, id="no-content-type"),
        pytest.param(JSON_API, b'{"meta": {"total": 1}, "data": [', id="truncated-json"),
        pytest.param(JSON_API, b'{"data": [{"id": "\xff\xfe"}]}', id="not-utf8"),
        pytest.param(JSON_API, b'{"data": 5}', id="does-not-fit-the-model"),
    ],
)
def test_a_success_body_unlike_the_doc_is_a_validation_error(
    server: tuple[str, _Answer], pp: PiwikPro, content_type: str | None, body: bytes
) -> None:
    server[1].content_type, server[1].body = content_type, body
    with pytest.raises(APIResponseValidationError) as caught:
        pp.users.list_users()
    assert caught.value.status_code == 200
    assert caught.value.response is not None
    response = pp.users.list_users.detailed()  # the body is read only when .parsed is
    assert response.content == body
    with pytest.raises(APIResponseValidationError):
        response.parsed  # noqa: B018
    with pytest.raises(APIResponseValidationError):
        list(pp.users.list_users.paginate())


def test_a_204_success_returns_none(server: tuple[str, _Answer], pp: PiwikPro) -> None:
    server[1].status = 204
    assert pp.users.delete_user(user_id=USER_ID) is None


def test_error_statuses_raise_typed_errors_from_the_generated_functions(
    server: tuple[str, _Answer], pp: PiwikPro
) -> None:
    from piwik_pro_api.users.api.default import get_user

    server[1].status, server[1].body = 404, b'{"errors": [{"status": "404", "title": "Not found"}]}'
    with pytest.raises(NotFoundError):
        get_user.sync(USER_ID, client=pp)
    assert get_user.sync_detailed(USER_ID, client=pp).status_code == 404


def test_async_calls_accept_only_a_documented_success(server: tuple[str, _Answer]) -> None:
    server[1].status = 204

    async def main() -> None:
        async with AsyncPiwikPro(server[0], token="test-token", max_retries=0) as app:
            with pytest.raises(UnexpectedStatusError):
                await app.users.list_users()
            server[1].status = 200
            assert [u.id async for u in app.users.list_users.paginate()] == [USER_ID]

    asyncio.run(main())


def test_help_shows_summary_method_path_and_parameters() -> None:
    pp = PiwikPro("acme.piwik.pro", token="t")
    text = pydoc.render_doc(pp.users.list_users, renderer=pydoc.plaintext)
    assert "GET /api/users/v2" in text and "pp.users.list_users" in text
    assert "limit (int | Unset)" in text and "Returns:" in text and "UnexpectedStatusError" in text
    signature = str(inspect.signature(pp.tag_manager.tags.list_tags))
    assert "= UNSET" in signature and "object at 0x" not in signature
    assert str(inspect.signature(pp.users.get_user)).startswith("(*, user_id: ")  # keyword-only
    assert repr(pp.users.list_users) == "<operation pp.users.list_users: GET /api/users/v2>"
    with pytest.raises(AttributeError, match="did you mean invite_user"):
        pp.users.invite_usr  # noqa: B018


_LAZY_PROBE = """
import sys
from piwik_pro import PiwikPro
pp = PiwikPro("acme.piwik.pro", token="t")
api = pp.tag_manager.tags
op = api.list_tags
loaded = sorted(m for m in sys.modules if m.startswith("piwik_pro_api"))
print("\\n".join(loaded))
"""


def test_reaching_an_operation_imports_only_its_doc() -> None:
    proc = subprocess.run([sys.executable, "-c", _LAZY_PROBE], capture_output=True, text=True, check=True)
    loaded = proc.stdout.split()
    assert "piwik_pro_api.tag_manager_tags.resources" in loaded
    others = [
        m for m in loaded if m.count(".") >= 1 and m.split(".")[1] not in ("tag_manager_tags", "_resources", "types")
    ]
    assert others == []
    assert not [m for m in loaded if ".api." in m]  # no endpoint module before the call
    assert not [m for m in loaded if ".models." in m]  # models are annotations until a call parses one

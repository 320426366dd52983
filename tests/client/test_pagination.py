"""Pagination over real HTTP: offset/limit with meta.total (users, stateful), and page[offset]/page[limit]."""

from __future__ import annotations

import asyncio
from typing import Any

import piwik_pro
import pytest
from piwik_pro import AsyncPiwikPro, OperationInfo, PiwikPro
from piwik_pro._operations import match_path
from piwik_pro._pagination import page_parameters
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(60)

EMAILS = [f"page{i}@example.com" for i in range(7)]


def users_list() -> OperationInfo:
    info = match_path("GET", "/api/users/v2")
    assert info is not None
    return info


def invite_all(pp: PiwikPro) -> None:
    for email in EMAILS:
        pp.request(
            "POST",
            "/api/users/v2/invite",
            json={"data": {"type": "ppms/user", "attributes": {"email": email, "language": "en-US"}}},
        )


def email(item: Any) -> str:
    return str(item["attributes"]["email"] if isinstance(item, dict) else item.attributes.email)


def list_offsets(sandbox: Sandbox, param: str = "offset") -> list[str]:
    return [dict(r.query).get(param, "?") for r in api_requests(sandbox) if r.method == "GET"]


def test_offset_limit_stops_at_meta_total(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite_all(pp)
    info = users_list()
    _, lim = page_parameters(info)
    items = list(pp.paginate(info.qualified_name, **{lim: 2}))
    assert sorted(email(i) for i in items) == sorted([*EMAILS, "owner@example.com"])
    assert list_offsets(sandbox) == ["0", "2", "4", "6"]  # 8 users: stops at meta.total, no empty page fetched
    assert not isinstance(items[0], dict)  # typed models from the generated response


def test_paginate_from_the_accessor_and_a_start_offset(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite_all(pp)
    info = users_list()
    off, lim = page_parameters(info)
    bound: Any = pp
    for part in info.accessor.split("."):
        bound = getattr(bound, part)
    items = list(getattr(bound, info.name).paginate(**{off: 5, lim: 3}))
    assert len(items) == 3  # 8 users, starting at offset 5


def test_async_paginate(sandbox: Sandbox, pp: PiwikPro) -> None:
    invite_all(pp)
    info = users_list()
    _, lim = page_parameters(info)

    async def main() -> list[Any]:
        async with AsyncPiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as app:
            return [item async for item in app.paginate(info, **{lim: 3})]

    assert len(asyncio.run(main())) == 8


def test_page_style_sends_page_parameters_and_terminates(sandbox: Sandbox, pp: PiwikPro) -> None:
    candidates = [op for op in piwik_pro.operations() if op.parameter("page[offset]") and op.parameter("page[limit]")]
    if not candidates:
        pytest.skip("no operation with page[offset]/page[limit] in the docs")
    unreadable: list[str] = []
    for info in candidates:
        sandbox.clear_requests()
        _, lim = page_parameters(info)
        kwargs: dict[str, Any] = {
            p.python_name: "00000000-0000-0000-0000-000000000001" for p in info.parameters if p.location == "path"
        }
        try:
            list(pp.paginate(info, **kwargs, **{lim: 1}))
        except (ValueError, KeyError, TypeError) as exc:  # the generated model cannot read the doc's example
            unreadable.append(f"{info.qualified_name}: {exc}")
            continue
        sent = [dict(r.query) for r in api_requests(sandbox)]
        assert sent and all("page[offset]" in q and q.get("page[limit]") == "1" for q in sent)
        assert sent[0]["page[offset]"] == "0"
        return
    pytest.fail(f"no page-style operation could be iterated: {unreadable}")


def test_paginate_refuses_a_non_list_operation(pp: PiwikPro) -> None:
    info = match_path("DELETE", "/api/users/v2/1")
    assert info is not None
    with pytest.raises(ValueError, match="not a paginated list operation"):
        pp.paginate(info)


@pytest.mark.timeout(180)
def test_every_list_operation_iterates_and_terminates(sandbox: Sandbox, pp: PiwikPro) -> None:
    """Each paginated operation of the index, against the sandbox's documented answers."""
    once = pp.with_options(max_retries=0)
    listed = [op for op in piwik_pro.operations() if op.pagination]
    assert listed, "the index marks no operation as paginated"
    iterated = 0
    refused: list[str] = []
    for info in listed:
        _, lim = page_parameters(info)
        kwargs: dict[str, Any] = {}
        for p in info.parameters:
            if p.location == "path" or (p.required and p.type in ("str", "UUID")):
                kwargs[p.python_name] = "00000000-0000-0000-0000-000000000001"
            elif p.required and p.type == "int":
                kwargs[p.python_name] = 1
        if any(p.required and p.python_name not in kwargs for p in info.parameters):
            refused.append(f"{info.qualified_name}: needs a typed filter value")
            continue
        try:
            items = list(once.paginate(info, **kwargs, **{lim: 5}))
        except piwik_pro.APIStatusError as exc:  # the sandbox may refuse a placeholder id or a missing filter
            refused.append(f"{info.qualified_name}: {exc.status_code}")
            continue
        except (ValueError, KeyError, TypeError) as exc:  # the generated model cannot read the doc's example
            refused.append(f"{info.qualified_name}: unreadable answer: {exc}")
            continue
        iterated += 1
        assert len(items) < 10_000
    assert iterated >= len(listed) // 2, refused

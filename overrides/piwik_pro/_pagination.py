"""Iterators over list operations, for both pagination styles in the docs.

- "offset_limit": `offset` / `limit` query parameters, `meta.total` in the answer;
- "page": `page[offset]` / `page[limit]` query parameters (JSON:API style).

Both move an offset forward by the number of items each page returned, and stop
at `meta.total`, at a short page (when the page size is known), or at an empty
page. Items are the typed models from the parsed response when the generated
model exposes the `data` list, else the raw JSON objects.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from ._base import raise_for_status
from ._operations import OperationInfo

__all__ = ["apaginate", "page_parameters", "paginate"]

_STYLES = {"offset_limit": ("offset", "limit"), "page": ("page[offset]", "page[limit]")}


def page_parameters(info: OperationInfo) -> tuple[str, str]:
    """The generated keyword names of the offset and limit parameters of a list operation."""
    style = _STYLES.get(info.pagination or "")
    if style is None:
        raise ValueError(
            f"{info.qualified_name} is not a paginated list operation; call it directly "
            "(paginated ones have `pagination` set in piwik_pro.operations())"
        )
    names = []
    for api_name in style:
        param = info.parameter(api_name)
        if param is None:
            raise ValueError(f"{info.qualified_name} is marked {info.pagination!r} but has no {api_name!r} parameter")
        names.append(param.python_name)
    return names[0], names[1]


def _page(response: Any) -> tuple[list[Any], int | None]:
    """The items of one page and `meta.total` (None if the answer has none)."""
    raise_for_status(response)
    try:
        raw = json.loads(response.content) if response.content else None
    except ValueError:
        raw = None
    raw_items: list[Any] = []
    total: int | None = None
    if isinstance(raw, list):
        raw_items = raw
    elif isinstance(raw, dict):
        data = raw.get("data")
        raw_items = data if isinstance(data, list) else []
        meta = raw.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("total"), int):
            total = meta["total"]
    parsed = response.parsed
    typed = parsed if isinstance(parsed, list) else getattr(parsed, "data", None)
    if isinstance(typed, list) and len(typed) == len(raw_items):
        return typed, total
    return raw_items, total


def _done(count: int, offset: int, total: int | None, limit: Any) -> bool:
    if count == 0:
        return True
    if total is not None:
        return offset >= total
    return isinstance(limit, int) and count < limit


def paginate(info: OperationInfo, detailed: Callable[..., Any], kwargs: dict[str, Any]) -> Iterator[Any]:
    off_name, lim_name = page_parameters(info)
    kwargs = dict(kwargs)
    offset = int(kwargs.pop(off_name, 0) or 0)
    limit = kwargs.get(lim_name)
    while True:
        items, total = _page(detailed(**kwargs, **{off_name: offset}))
        yield from items
        offset += len(items)
        if _done(len(items), offset, total, limit):
            return


async def apaginate(
    info: OperationInfo, detailed: Callable[..., Awaitable[Any]], kwargs: dict[str, Any]
) -> AsyncIterator[Any]:
    off_name, lim_name = page_parameters(info)
    kwargs = dict(kwargs)
    offset = int(kwargs.pop(off_name, 0) or 0)
    limit = kwargs.get(lim_name)
    while True:
        items, total = _page(await detailed(**kwargs, **{off_name: offset}))
        for item in items:
            yield item
        offset += len(items)
        if _done(len(items), offset, total, limit):
            return

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
from ._logging import logger
from ._operations import OperationInfo

__all__ = ["apaginate", "page_parameters", "paginate"]

_STYLES = {"offset_limit": ("offset", "limit"), "page": ("page[offset]", "page[limit]")}


def page_parameters(info: OperationInfo) -> tuple[str, str]:
    """The generated keyword names of the offset and limit parameters of a list operation.

    The parameters are the ground truth: when the index's `pagination` style does not match the
    operation's query parameters, the style the parameters show is used.
    """
    for style in (info.pagination, _infer(info)):
        offset_name, limit_name = _STYLES.get(style or "", ("", ""))
        offset, limit = info.parameter(offset_name), info.parameter(limit_name)
        if offset is not None and limit is not None:
            return offset.python_name, limit.python_name
    raise ValueError(
        f"{info.qualified_name} is not a paginated list operation (it has no offset/limit or "
        "page[offset]/page[limit] query parameters); call it directly"
    )


def _infer(info: OperationInfo) -> str | None:
    """The style from the query parameters, for an index that does not say (same rule the index uses)."""
    query = {p.name for p in info.parameters if p.location == "query"}
    return next((style for style, names in _STYLES.items() if set(names) <= query), None)


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


class _State:
    """When to stop: at meta.total; else at a page shorter than the first one (the server may cap
    the limit asked for, so the first page tells the real page size); at an empty page; or when
    the server ignored the offset and sent the same page again (never loop forever)."""

    def __init__(self) -> None:
        self.page_size: int | None = None
        self.previous: bytes | None = None

    def done(self, response: Any, count: int, offset: int, total: int | None) -> bool:
        content = bytes(response.content)
        repeated, self.previous = content == self.previous, content
        if count == 0 or repeated:
            if repeated:
                logger.warning("pagination stopped: the server answered the same page for a new offset")
            return True
        if total is not None:
            return offset >= total
        if self.page_size is None:
            self.page_size = count
            return False
        return count < self.page_size


def paginate(info: OperationInfo, detailed: Callable[..., Any], kwargs: dict[str, Any]) -> Iterator[Any]:
    """Checks the operation now (not at the first next()), then iterates lazily."""
    return _iterate(page_parameters(info)[0], detailed, dict(kwargs))


def _iterate(off_name: str, detailed: Callable[..., Any], kwargs: dict[str, Any]) -> Iterator[Any]:
    offset = int(kwargs.pop(off_name, 0) or 0)
    state = _State()
    while True:
        response = detailed(**kwargs, **{off_name: offset})
        items, total = _page(response)
        yield from items
        offset += len(items)
        if state.done(response, len(items), offset, total):
            return


def apaginate(
    info: OperationInfo, detailed: Callable[..., Awaitable[Any]], kwargs: dict[str, Any]
) -> AsyncIterator[Any]:
    """The async twin of paginate."""
    return _aiterate(page_parameters(info)[0], detailed, dict(kwargs))


async def _aiterate(
    off_name: str, detailed: Callable[..., Awaitable[Any]], kwargs: dict[str, Any]
) -> AsyncIterator[Any]:
    offset = int(kwargs.pop(off_name, 0) or 0)
    state = _State()
    while True:
        response = await detailed(**kwargs, **{off_name: offset})
        items, total = _page(response)
        for item in items:
            yield item
        offset += len(items)
        if state.done(response, len(items), offset, total):
            return

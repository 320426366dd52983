"""What a handler sees (Call) and what it answers (Reply)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._docs import Operation
from ._errors import JSON_API


@dataclass
class Call:
    """One API request, routed and parsed (body already decoded as the doc declares)."""

    op: Operation
    method: str
    path: str
    path_params: dict[str, str]
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    raw_body: bytes
    media: str | None  # the declared media type the body was sent as
    body: Any  # decoded body, or _validate.NO_BODY

    def query_value(self, name: str) -> str | None:
        found = [v for k, v in self.query if k == name]
        return found[-1] if found else None


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, value: Any, content_type: str = JSON_API, **headers: str) -> Reply:
        return cls(status, json.dumps(value).encode(), content_type, dict(headers))

    @classmethod
    def empty(cls, status: int = 204) -> Reply:
        return cls(status)

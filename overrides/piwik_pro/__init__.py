"""Piwik PRO API client: one authenticated client over every generated API.

from piwik_pro import PiwikPro

with PiwikPro.from_env() as pp:
    for user in pp.paginate("users.list_users"):
        ...
"""

from __future__ import annotations

from ._auth import Token, TokenStore
from ._client import AsyncPiwikPro, PiwikPro
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PiwikProError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._operations import BodyInfo, DocInfo, OperationInfo, ParameterInfo, docs, find_operation, operations

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPiwikPro",
    "AuthenticationError",
    "BadRequestError",
    "BodyInfo",
    "ConflictError",
    "DocInfo",
    "ErrorDetail",
    "InternalServerError",
    "NotFoundError",
    "OperationInfo",
    "ParameterInfo",
    "PermissionDeniedError",
    "PiwikPro",
    "PiwikProError",
    "RateLimitError",
    "Token",
    "TokenStore",
    "UnprocessableEntityError",
    "docs",
    "find_operation",
    "operations",
]

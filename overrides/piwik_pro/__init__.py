"""Piwik PRO API client: one authenticated client over every generated API.

from piwik_pro import PiwikPro

with PiwikPro.from_env() as pp:
    for user in pp.paginate("users.list_users"):
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._auth import Token, TokenStore
    from ._client import AsyncPiwikPro, PiwikPro
    from ._errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BodyValidationError,
        ConflictError,
        ErrorDetail,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        PiwikProError,
        RateLimitError,
        ResponseTooLargeError,
        UnexpectedStatusError,
        UnprocessableEntityError,
    )
    from ._operations import BodyInfo, DocInfo, OperationInfo, ParameterInfo, docs, find_operation, operations

# Imported on first use: `piwik-pro --help` and the sandbox need not pay for httpx and the client.
_LAZY: dict[str, str] = {
    "APIConnectionError": "._errors",
    "APIResponseValidationError": "._errors",
    "APIStatusError": "._errors",
    "APITimeoutError": "._errors",
    "AsyncPiwikPro": "._client",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "BodyValidationError": "._errors",
    "BodyInfo": "._operations",
    "ConflictError": "._errors",
    "DocInfo": "._operations",
    "ErrorDetail": "._errors",
    "InternalServerError": "._errors",
    "NotFoundError": "._errors",
    "OperationInfo": "._operations",
    "ParameterInfo": "._operations",
    "PermissionDeniedError": "._errors",
    "PiwikPro": "._client",
    "PiwikProError": "._errors",
    "RateLimitError": "._errors",
    "ResponseTooLargeError": "._errors",
    "Token": "._auth",
    "TokenStore": "._auth",
    "UnexpectedStatusError": "._errors",
    "UnprocessableEntityError": "._errors",
    "docs": "._operations",
    "find_operation": "._operations",
    "operations": "._operations",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piwik_pro' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPiwikPro",
    "AuthenticationError",
    "BadRequestError",
    "BodyInfo",
    "BodyValidationError",
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
    "ResponseTooLargeError",
    "Token",
    "TokenStore",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "docs",
    "find_operation",
    "operations",
]


def __dir__() -> list[str]:
    return sorted(__all__)

"""JSON:API error documents and the exception handlers raise to send one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON_API = "application/vnd.api+json"


def error_object(
    status: int,
    title: str,
    *,
    code: str | None = None,
    detail: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
    header: str | None = None,
) -> dict[str, Any]:
    """A complete JSON:API error object: `status`, `title`, `detail` and `source` are always there.

    Without a `detail` the title serves as one; without a pointer, parameter or
    header the source is the whole request document (`{"pointer": ""}`).
    """
    error: dict[str, Any] = {"status": str(status), "title": title}
    if code is not None:
        error["code"] = code
    error["detail"] = detail if detail is not None else title
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    elif parameter is not None:
        error["source"] = {"parameter": parameter}
    elif header is not None:
        error["source"] = {"header": header}
    else:
        error["source"] = {"pointer": ""}
    return error


class ApiError(Exception):
    """Raised inside a handler: the server answers `status` with a JSON:API `{"errors": [...]}` body."""

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status}: {errors[0].get('title') if errors else ''}")
        self.status = status
        self.errors = errors
        self.headers = dict(headers or {})

    @classmethod
    def of(
        cls,
        status: int,
        title: str,
        *,
        code: str | None = None,
        detail: str | None = None,
        pointer: str | None = None,
        parameter: str | None = None,
        header: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiError:
        error = error_object(
            status, title, code=code, detail=detail, pointer=pointer, parameter=parameter, header=header
        )
        return cls(status, [error], headers)

    def body(self) -> dict[str, Any]:
        return {"errors": self.errors}

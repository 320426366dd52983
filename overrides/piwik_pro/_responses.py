"""What a typed call accepts as a success, before the generated model reads the body.

Generated `_parse_success` functions call `check_success` first: a status outside the
documented successes raises its typed error (piwik_pro._base.raise_for_status), and a
documented success whose body is not the documented media type, or not UTF-8 where the
parser reads text or JSON, raises APIResponseValidationError. The model then parses the
body; a body that does not fit raises APIResponseValidationError too (raise_invalid_body).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import httpx

from . import _base

__all__ = ["check_success", "media_type"]


def media_type(content_type: str | None) -> str:
    """`application/vnd.api+json; charset=utf-8` -> `application/vnd.api+json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _documents(documented: Sequence[str], sent: str) -> bool:
    for media in documented:
        media = media_type(media)
        if media in ("*/*", sent) or (media.endswith("/*") and sent.startswith(media[:-1])):
            return True
    return False


class _MediaMismatch(ValueError):
    pass


def check_success(
    response: httpx.Response,
    success: Collection[int],
    bodies: Sequence[tuple[int, int, Sequence[str], bool]],
) -> None:
    """Raise unless `response` is a documented success with a body of the documented kind.

    `bodies` lists, per documented success status range (low, high), the media types the doc
    gives for its body and whether the parser reads it as text (JSON or text/*, so UTF-8).
    A status whose doc declares no body passes with any body (it is not read).
    """
    _base.raise_for_status(response, success=success)  # looked up at call time (tests may stand in for it)
    status = response.status_code
    for low, high, media, text in bodies:
        if not low <= status <= high:
            continue
        if not media:
            return
        sent = media_type(response.headers.get("content-type"))
        if not _documents(media, sent):
            _base.raise_invalid_body(response, _MediaMismatch(f"Content-Type {sent or '(none)'!r}"), " or ".join(media))
        if text:
            try:
                response.content.decode("utf-8")
            except UnicodeDecodeError as exc:
                _base.raise_invalid_body(response, exc, f"UTF-8 {media[0]}")
        return

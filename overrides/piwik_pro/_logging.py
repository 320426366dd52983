"""Logging through the stdlib logger "piwik_pro", with secrets redacted.

`PIWIK_PRO_LOG=debug` (or `info`) attaches a stderr handler when the first
client is created; otherwise the library only logs to whatever the
application configured. Every message passes `redact()`, which removes
registered secrets (client secrets, tokens this process fetched) and anything
shaped like a bearer token or JWT.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import deque

__all__ = ["logger", "redact", "register_secret", "setup_from_env"]

logger = logging.getLogger("piwik_pro")

REDACTED = "[REDACTED]"
_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"(?i)((?:client_secret|access_token|password)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"),
]
# Client secrets are pinned: a process has few, and forgetting one would leak it. Tokens come and
# go (one per refresh), so only the last ones are kept, bounded for a long-running process.
_pinned: set[str] = set()
_tokens: deque[str] = deque(maxlen=64)
_lock = threading.Lock()
_configured = False


def register_secret(value: str | None, *, pin: bool = False) -> None:
    """Remember a secret so `redact` removes it from any text (min. 6 chars, to avoid eating words).

    `pin=True` (client secrets) keeps it for the life of the process; others (tokens) are
    forgotten after the 64 newer ones.
    """
    if not value or len(value) < 6:
        return
    with _lock:
        if pin:
            _pinned.add(value)
        elif value not in _tokens and value not in _pinned:
            _tokens.append(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted({*_pinned, *_tokens}, key=len, reverse=True)  # longest first: no partial leftovers
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is the logging module's problem, not ours
            return True
        record.msg, record.args = redact(message), None
        return True


logger.addFilter(_RedactingFilter())


def setup_from_env() -> None:
    """Honour PIWIK_PRO_LOG=debug|info|warning once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    level_name = os.environ.get("PIWIK_PRO_LOG", "").strip().upper()
    if not level_name:
        return
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        logger.warning("PIWIK_PRO_LOG=%r is not a log level; use debug, info or warning", level_name.lower())
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(_RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(level)

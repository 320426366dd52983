"""-v: every retry the transport makes, as "attempt 2/3 after 503, waiting 0.8 s" lines.

httpx event hooks see only the last attempt; the retry transport logs each one to the
`piwik_pro` logger with a structured `piwik_pro_retry` record attribute, read here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ._output import Verbose


class _AttemptLines(logging.Handler):
    """Turns the client's retry log records into "attempt 2/3 after 503, waiting 0.8 s" lines."""

    def __init__(self, verbose: Verbose) -> None:
        super().__init__(logging.INFO)
        self.verbose = verbose

    def emit(self, record: logging.LogRecord) -> None:
        retry = getattr(record, "piwik_pro_retry", None)
        if not isinstance(retry, dict):
            return
        reason = str(retry.get("reason", "")).removeprefix("HTTP ")
        self.verbose.line(
            f"* attempt {retry.get('attempt')}/{retry.get('attempts')} after {reason}, "
            f"waiting {float(retry.get('delay', 0)):.1f} s"
        )


def show_attempts(verbose: Verbose) -> Callable[[], None]:
    """Under -v, print every retry the transport makes (httpx hooks see only the last attempt).

    Returns the undo: the handler lives only as long as the command's client.
    """
    logger = logging.getLogger("piwik_pro")
    handler = _AttemptLines(verbose)
    level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return undo

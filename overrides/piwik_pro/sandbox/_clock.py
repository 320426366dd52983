"""The sandbox's notion of "now": real time plus an offset tests can move."""

from __future__ import annotations

import threading
import time


class Clock:
    """Seconds since the epoch. `advance()` moves it forward so tests never sleep.

    With `start` the clock is frozen at that instant (plus any advances);
    without it, it follows the wall clock.
    """

    def __init__(self, start: float | None = None) -> None:
        self._start = start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        base = time.time() if self._start is None else self._start
        with self._lock:
            return base + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def __repr__(self) -> str:
        return f"Clock(now={self.now():.0f})"

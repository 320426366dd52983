"""Fault injection: make the next N matching requests misbehave the way real servers do."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["status", "delay", "drop", "html", "truncated", "revoke"]
KINDS: tuple[str, ...] = ("status", "delay", "drop", "html", "truncated", "revoke")
RETRYABLE_STATUSES = (408, 429, 500, 502, 503, 504)

_DEFAULT_STATUS = {"status": 503, "html": 502, "truncated": 200}


@dataclass
class Fault:
    """One rule. `route` is "METHOD /path" or "/path" (a doc path template such as
    "/api/users/v2/{userId}" or a literal request path); None matches every API
    route except the token endpoint, which is faulted only when named.
    `times` None means until cleared."""

    kind: FaultKind
    route: str | None = None
    times: int | None = 1
    status: int | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    hits: int = field(default=0)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.status is None:
            self.status = _DEFAULT_STATUS.get(self.kind)
        if self.kind == "status" and self.status is not None and self.status < 400:
            raise ValueError(f"a status fault needs an error status (>= 400), got {self.status}")
        if self.times is not None and self.times < 1:
            raise ValueError(f"times must be >= 1 or None (until cleared), got {self.times}")
        if self.seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {self.seconds}")
        if self.route is not None:
            self.route = _normalise_route(self.route)

    def matches(self, method: str, path: str, template: str | None) -> bool:
        if self.route is None:
            return path != "/auth/token"
        route_method, _, route_path = self.route.rpartition(" ")
        if route_method and route_method != method:
            return False
        return route_path in (path.rstrip("/") or "/", (template or "").rstrip("/") or "/")

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else self.times - self.hits

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["remaining"] = self.remaining
        return data


def _normalise_route(route: str) -> str:
    method, _, path = route.strip().rpartition(" ")
    path = path.rstrip("/") or "/"
    if not path.startswith("/"):
        raise ValueError(f"fault route must be 'METHOD /path' or '/path', got {route!r}")
    return f"{method.strip().upper()} {path}" if method.strip() else path


class Faults:
    """Thread-safe list of fault rules; the first matching rule with uses left fires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(
        self,
        kind: FaultKind,
        *,
        route: str | None = None,
        times: int | None = 1,
        status: int | None = None,
        retry_after: float | None = None,
        seconds: float = 0.0,
    ) -> Fault:
        fault = Fault(kind=kind, route=route, times=times, status=status, retry_after=retry_after, seconds=seconds)
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, method: str, path: str, template: str | None) -> Fault | None:
        """Consume one use of the first matching rule, if any."""
        with self._lock:
            for fault in self._rules:
                if fault.matches(method, path, template):
                    fault.hits += 1
                    if fault.remaining == 0:
                        self._rules.remove(fault)
                    return fault
        return None

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._rules))

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    def __repr__(self) -> str:
        return f"Faults({list(self)!r})"

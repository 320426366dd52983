"""A small misbehaving HTTP server on 127.0.0.1, for tests of what a client does when a server is hostile.

Each route is a scripted behaviour: a callable taking the `Exchange` (the request and a way to
answer it). The building blocks below cover what the attack tests need; compose your own from them.

    def test_slow_token(misbehaving_server):
        srv = misbehaving_server
        srv.route("POST", "/auth/token", pause(30, then=token_reply()))   # a token endpoint that hangs
        srv.route("GET", "/api/x", trickle(b"x" * 100, interval=0.5))     # a body at 1 byte / 0.5 s
        srv.route("GET", "/big", big_body(200 * 2**20))                   # 200 MB, streamed
        srv.route("GET", "/r", reply(302, headers={"Location": "https://elsewhere/"}))
        srv.route("GET", "/gone", drop())                                 # hang up without answering
        ... PiwikPro(srv.url, "id", "secret") ...
        assert srv.count("/auth/token") == 1
        assert srv.requests[-1].path == "/api/x"

Unrouted requests get 404, or what `srv.otherwise(behaviour)` says. `sequence(a, b)` answers the first request with `a`, then `b` for
the rest. Sleeping behaviours wake up when the server stops, so a test never waits them out.
Every behaviour that writes a body records in `Exchange.sent` how many body bytes went out and
sets `client_gone` when the client hung up before the end.
"""

from __future__ import annotations

import json as jsonlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = [
    "Behaviour",
    "Exchange",
    "MisbehavingServer",
    "big_body",
    "drop",
    "misbehaving_server",
    "pause",
    "reply",
    "sequence",
    "token_reply",
    "trickle",
]

Behaviour = Callable[["Exchange"], None]


@dataclass
class Exchange:
    """One request as the server saw it, and the means to answer it."""

    method: str
    path: str  # without the query
    query: str
    headers: Mapping[str, str]
    body: bytes
    handler: BaseHTTPRequestHandler = field(repr=False)
    stopping: threading.Event = field(repr=False)
    sent: int = 0  # body bytes written
    client_gone: threading.Event = field(default_factory=threading.Event, repr=False)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def json(self) -> Any:
        return jsonlib.loads(self.body)

    def start(self, status: int, headers: Mapping[str, str] | None = None) -> None:
        """Status line and headers (add Content-Length yourself, or the body ends with the connection)."""
        self.handler.send_response_only(status)
        for name, value in (headers or {}).items():
            self.handler.send_header(name, value)
        self.handler.end_headers()
        self.handler.wfile.flush()

    def write(self, data: bytes) -> bool:
        """Write body bytes; False (and `client_gone` set) once the client has hung up."""
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except OSError:
            self.client_gone.set()
            return False
        self.sent += len(data)
        return True

    def sleep(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops; False if it is stopping."""
        return not self.stopping.wait(seconds)


def reply(
    status: int = 200,
    body: bytes | str = b"",
    *,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    content_type: str | None = None,
) -> Behaviour:
    """A complete answer. `json=` serialises any value, even NaN (`float("nan")` -> NaN)."""
    if json is not None:
        body = jsonlib.dumps(json)
        content_type = content_type or "application/json"
    data = body.encode() if isinstance(body, str) else body

    def behave(ex: Exchange) -> None:
        merged = {"Content-Length": str(len(data))}
        if content_type:
            merged["Content-Type"] = content_type
        merged.update(headers or {})
        ex.start(status, merged)
        ex.write(data)

    return behave


def token_reply(access_token: Any = "tok-" + "a" * 40, expires_in: Any = 1800, **extra: Any) -> Behaviour:
    """A token endpoint's JSON answer (any field may be given a bad value; `...` leaves it out)."""
    payload = {"token_type": "Bearer", "expires_in": expires_in, "access_token": access_token, **extra}
    return reply(200, json={k: v for k, v in payload.items() if v is not ...})


def pause(seconds: float, then: Behaviour | None = None) -> Behaviour:
    """Say nothing for `seconds` (or until the server stops), then behave like `then` (default: hang up)."""

    def behave(ex: Exchange) -> None:
        if ex.sleep(seconds) and then is not None:
            then(ex)

    return behave


def trickle(
    body: bytes, *, chunk: int = 1, interval: float = 0.5, status: int = 200, content_type: str = "application/json"
) -> Behaviour:
    """Announce the whole body's length, then send it `chunk` bytes every `interval` seconds."""

    def behave(ex: Exchange) -> None:
        ex.start(status, {"Content-Length": str(len(body)), "Content-Type": content_type})
        for i in range(0, len(body), chunk):
            if not ex.sleep(interval) or not ex.write(body[i : i + chunk]):
                return

    return behave


def big_body(
    size: int, *, chunk: int = 1 << 16, announce: bool = True, content_type: str = "application/json"
) -> Behaviour:
    """`size` bytes of b"x", streamed `chunk` at a time (with Content-Length unless `announce=False`)."""

    def behave(ex: Exchange) -> None:
        ex.start(200, {"Content-Length": str(size), "Content-Type": content_type} if announce else {})
        block = b"x" * chunk
        left = size
        while left > 0 and not ex.stopping.is_set():
            if not ex.write(block[: min(chunk, left)]):
                return
            left -= chunk
        ex.handler.close_connection = True

    return behave


def drop() -> Behaviour:
    """Hang up without answering."""

    def behave(ex: Exchange) -> None:
        ex.handler.close_connection = True

    return behave


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The first request gets behaviours[0], the second behaviours[1], ...; the last one repeats."""
    lock = threading.Lock()
    calls = 0

    def behave(ex: Exchange) -> None:
        nonlocal calls
        with lock:
            index = min(calls, len(behaviours) - 1)
            calls += 1
        behaviours[index](ex)

    return behave


class MisbehavingServer:
    """A threaded stdlib HTTP/1.1 server on 127.0.0.1 with scripted routes; records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Behaviour] = {}
        self.fallback: Behaviour = reply(404, json={"errors": [{"status": "404", "title": "Not Found"}]})
        self.requests: list[Exchange] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes: no delayed-ACK stalls

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def _handle(self) -> None:
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                ex = Exchange(self.command, path, query, dict(self.headers.items()), body, self, server.stopping)
                with server._lock:
                    server.requests.append(ex)
                    behaviour = server.routes.get((self.command, path), server.fallback)
                try:
                    behaviour(ex)
                except OSError:
                    ex.client_gone.set()
                    self.close_connection = True
                finally:
                    ex.finished.set()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="misbehaving-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, behaviour: Behaviour) -> MisbehavingServer:
        with self._lock:
            self.routes[(method.upper(), path)] = behaviour
        return self

    def otherwise(self, behaviour: Behaviour) -> MisbehavingServer:
        """How every request no route matches is answered (instead of 404)."""
        with self._lock:
            self.fallback = behaviour
        return self

    def count(self, path: str, method: str | None = None) -> int:
        """How many requests reached `path` (and `method`, if given)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path and (method is None or r.method == method))

    def last(self, path: str) -> Exchange:
        with self._lock:
            return next(r for r in reversed(self.requests) if r.path == path)

    def start(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes sleeping behaviours
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> MisbehavingServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@pytest.fixture
def misbehaving_server() -> Iterator[MisbehavingServer]:
    """A started MisbehavingServer with no routes yet, stopped after the test."""
    with MisbehavingServer() as server:
        yield server

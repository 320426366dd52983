"""Install Stoplight Prism (pinned, with npm) and run one mock server per doc.

Every Prism process is started in its own process group and stopped by PID
(the whole group) when the farm closes, from `finally` and from `atexit`; on
Linux each process also gets a parent-death signal, so even a killed pytest
leaves nothing behind.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests._npm_tools import NpmTool, ToolError

PRISM_PACKAGE = "@stoplight/prism-cli"
# 5.14.2 is the newest release that runs on Node 20 (5.15+ require Node >= 24).
PRISM_VERSION = "5.14.2"

READY_TIMEOUT = 120.0

PRISM = NpmTool(PRISM_PACKAGE, PRISM_VERSION, "prism", "prism", "Node.js >= 18 and npm (the contract tests)")


class PrismError(RuntimeError):
    """Prism could not be installed or started; the message says why and what to do."""


def ensure_prism(prefix: Path | None = None) -> Path:
    """The prism executable, installing PRISM_VERSION into the tools folder first if needed."""
    try:
        return PRISM.ensure(prefix)
    except ToolError as exc:
        raise PrismError(str(exc)) from exc


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# Looked up once in the parent: the child only makes the syscall (no dlopen after fork).
_PRCTL = _load_prctl()
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: a new process group (so the
    # group can be killed as one) and SIGTERM when the Python parent dies.
    os.setsid()
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


@dataclass
class PrismServer:
    """One `prism mock` process serving one doc on 127.0.0.1:port."""

    name: str
    doc_path: Path
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0  # 0.0: never started
    last_used: float = 0.0
    ready: bool = False
    error: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, prism: Path) -> None:
        # Must run on the main thread: the parent-death signal fires when the
        # *thread* that forked the child exits.
        self.started_at = time.monotonic()
        log = self.log_path.open("wb")
        try:
            self.proc = subprocess.Popen(
                [str(prism), "mock", str(self.doc_path), "-h", "127.0.0.1", "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
            )
        except OSError as exc:
            self.error = f"could not start {prism}: {exc}"
        finally:
            log.close()

    def poll(self) -> bool:
        """Update `ready`/`error` without blocking; True once settled either way."""
        if self.ready or self.error:
            return True
        if self.proc is None:
            return False
        if self.proc.poll() is not None:
            self.error = f"prism exited with {self.proc.returncode} before listening:\n{self.log_tail()}"
            return True
        if b"Prism is listening" in self.log_path.read_bytes():
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                self.ready = True
                return True
        if time.monotonic() - self.started_at > READY_TIMEOUT:
            self.error = f"prism did not listen on {self.url} within {READY_TIMEOUT:.0f}s:\n{self.log_tail()}"
            self.stop()
            return True
        return False

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def log_offset(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int, settle: float = 0.03, timeout: float = 2.0) -> str:
        """The log written since `offset`, once Prism finished logging the request.

        Prism logs violations just after it sends the response, so wait until
        the request's closing line is there and the file stopped growing.
        """
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            size = self.log_offset()
            with self.log_path.open("rb") as f:
                f.seek(offset)
                chunk = f.read().decode("utf-8", "replace")
            done = "Responding with" in chunk or "Request terminated" in chunk
            if (done and size == last) or time.monotonic() > deadline:
                return chunk
            last = size
            time.sleep(settle)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        self.ready = False
        if proc is None or proc.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)  # the group id is the PID: the child called setsid
            try:
                proc.wait(5.0)
                return
            except subprocess.TimeoutExpired:
                continue


_LIVE: list[PrismFarm] = []


def _stop_all_live() -> None:
    for farm in list(_LIVE):
        farm.close()


atexit.register(_stop_all_live)


class PrismFarm:
    """Prism mocks for many docs, booted `parallel` at a time, in doc order.

    `server(name)` returns once that doc's mock listens, and keeps the next
    ones booting meanwhile, so tests for the first docs run while later mocks
    still start (Node startup is CPU bound: on two cores, starting all 28 at
    once delays the first test for no gain). At most `max_running` mocks live
    at once (each Node process holds ~130 MB): the least recently used one is
    stopped to make room, and started again (on a new port) if asked for.
    """

    def __init__(
        self,
        prism: Path,
        docs: dict[str, dict[str, Any]],
        workdir: Path,
        parallel: int = 3,
        max_running: int = 8,
    ) -> None:
        self.prism = prism
        self.parallel = max(1, parallel)
        self.max_running = max(self.parallel + 1, max_running)
        self.servers: dict[str, PrismServer] = {}
        workdir.mkdir(parents=True, exist_ok=True)
        for name, doc in docs.items():
            path = workdir / f"{name}.json"
            path.write_text(json.dumps(doc))
            self.servers[name] = PrismServer(name, path, free_port(), workdir / f"{name}.log")
        _LIVE.append(self)

    def _start(self, server: PrismServer) -> None:
        self._make_room(keep=server)
        if server.started_at:
            server.port = free_port()  # a restart: the old port may be taken by now
        server.start(self.prism)

    def _make_room(self, keep: PrismServer) -> None:
        running = [s for s in self.servers.values() if s.proc is not None and s is not keep]
        # Mocks already used go first (oldest use first); pre-booted, unused ones last.
        idle = sorted((s for s in running if s.ready), key=lambda s: (s.last_used == 0, s.last_used))
        while len(running) >= self.max_running and idle:
            victim = idle.pop(0)
            victim.stop()
            running.remove(victim)

    def pump(self) -> None:
        """Start never-started servers until `parallel` are booting (never blocks)."""
        booting = [s for s in self.servers.values() if s.proc is not None and not s.poll()]
        for s in self.servers.values():
            if len(booting) >= self.parallel:
                break
            if not s.started_at and not s.error:
                running = [r for r in self.servers.values() if r.proc is not None]
                if len(running) >= self.max_running and not any(r.ready and r.last_used for r in running):
                    break  # no used mock to retire: prefetching would only kill another prefetched one
                self._start(s)
                booting.append(s)

    def server(self, name: str) -> PrismServer:
        server = self.servers[name]
        server.last_used = time.monotonic()  # never the victim while we wait for it
        if server.proc is None and not server.error:
            self._start(server)
        while not server.poll():
            self.pump()
            time.sleep(0.05)
        if server.error:
            raise PrismError(f"prism mock for {name}: {server.error}")
        server.last_used = time.monotonic()
        self.pump()
        return server

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self in _LIVE:
            _LIVE.remove(self)

    def __enter__(self) -> PrismFarm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        return [s.proc.pid for s in self.servers.values() if s.proc is not None]

"""Fixtures for tests/pipeline (helpers live in _support.py)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from ._support import Workspace, workspace

__all__ = ["served", "workspace"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(workspace: Workspace) -> Iterator[str]:
    """The workspace's fixture docs served over HTTP on loopback, like the docs site."""
    handler = functools.partial(_QuietHandler, directory=str(workspace.docs))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

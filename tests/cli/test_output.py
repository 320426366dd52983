"""Unit tests of the output pieces: redaction, colour only on a terminal, the progress line."""

from __future__ import annotations

import io
import json
import threading

import httpx
import pytest
from piwik_pro.cli import _output
from piwik_pro.cli._output import REDACTED, Progress, Redactor

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLXNpZw"


def test_redactor_scrubs_known_secrets_secret_keys_and_jwts() -> None:
    r = Redactor(["s3cr3t-value"])
    assert r.text(f"secret s3cr3t-value and token {JWT}!") == f"secret {REDACTED} and token {REDACTED}!"
    body = json.dumps({"client_id": "id", "client_secret": "anything", "nested": [{"access_token": "t"}]}).encode()
    shown = json.loads(r.body(body, "application/json"))
    assert shown == {"client_id": "id", "client_secret": REDACTED, "nested": [{"access_token": REDACTED}]}
    form = r.body(b"grant_type=client_credentials&client_secret=abc&client_id=id", "application/x-www-form-urlencoded")
    assert "abc" not in form and "client_id=id" in form
    assert "zzz" not in r.url(httpx.URL("https://x.example/p?access_token=zzz&limit=1"))
    assert "limit=1" in r.url(httpx.URL("https://x.example/p?access_token=zzz&limit=1"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_is_coloured_on_a_terminal_and_plain_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    piped, tty = io.StringIO(), _Terminal()
    _output.print_json({"a": [1, True, None, "x"]}, piped)
    _output.print_json({"a": [1, True, None, "x"]}, tty)
    assert json.loads(piped.getvalue()) == {"a": [1, True, None, "x"]}
    assert "\x1b[" not in piped.getvalue()
    assert "\x1b[" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    _output.print_json({"a": 1}, plain)
    assert "\x1b[" not in plain.getvalue()


def test_progress_draws_only_on_a_terminal_and_clears_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIWIK_PRO_NO_PROGRESS", raising=False)
    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    drawn = threading.Event()
    real_write = term.write

    def write(text: str) -> int:
        if "fetching" in text:
            drawn.set()
        return real_write(text)

    monkeypatch.setattr(term, "write", write)
    with Progress("fetching", delay=0) as progress:
        assert drawn.wait(10), "the spinner never drew"
        progress.update("fetching: 3 items")
    assert term.getvalue().endswith("\r\x1b[K")  # the status line is wiped when the work ends

    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with Progress("fetching", delay=0):
        pass
    assert piped.getvalue() == ""

"""Everything the CLI writes: JSON on stdout, errors/verbose/progress on stderr, secrets redacted."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    import httpx

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
SECRET_KEYS = frozenset({"client_secret", "access_token", "refresh_token", "id_token", "token", "password"})
# Any JWT (the API's tokens are JWTs), wherever it turns up.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")


def use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


class Redactor:
    """Scrubs secrets from text: known values (the client secret), secret keys and JWTs."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._values = {s for s in secrets if s and len(s) >= 4}

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._values.add(secret)

    def text(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return _JWT.sub(REDACTED, text)

    def data(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: REDACTED if str(k).lower() in SECRET_KEYS else self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, raw: bytes, content_type: str) -> str:
        text = raw.decode("utf-8", "replace")
        if "json" in content_type:
            try:
                return json.dumps(self.data(json.loads(text)), ensure_ascii=False)
            except ValueError:
                pass
        elif "x-www-form-urlencoded" in content_type:
            pairs = [
                (k, REDACTED if k.lower() in SECRET_KEYS else v) for k, v in parse_qsl(text, keep_blank_values=True)
            ]
            return self.text(urlencode(pairs))
        return self.text(text)

    def url(self, url: httpx.URL) -> str:
        if not url.query:
            return self.text(str(url))
        pairs = [(k, REDACTED if k.lower() in SECRET_KEYS else v) for k, v in url.params.multi_items()]
        return self.text(str(url.copy_with(query=urlencode(pairs).encode())))


# -- JSON -------------------------------------------------------------------------------------

_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b')
_KEY, _STR, _NUM, _LIT, _RESET = "\x1b[34;1m", "\x1b[32m", "\x1b[36m", "\x1b[35m", "\x1b[0m"


def _colorize(text: str) -> str:
    def paint(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            colour = _KEY if m.group(2) else _STR
            return f"{colour}{m.group(1)}{_RESET}{m.group(2) or ''}"
        if m.group(3) is not None:
            return f"{_NUM}{m.group(3)}{_RESET}"
        return f"{_LIT}{m.group(4)}{_RESET}"

    return _TOKEN.sub(paint, text)


def print_json(value: Any, stream: IO[str] | None = None) -> None:
    """Pretty JSON; coloured on a terminal, plain when piped (so jq and scripts can read it)."""
    out = stream or sys.stdout
    text = json.dumps(value, indent=2, ensure_ascii=False)
    out.write((_colorize(text) if use_color(out) else text) + "\n")
    out.flush()


def print_body(content: bytes, content_type: str = "") -> None:
    """A response body: as JSON when it is JSON, as text otherwise."""
    if not content:
        return
    try:
        value = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    print_json(value)


def status_note(status: int) -> None:
    """An empty answer (204) prints nothing on stdout; a person at a terminal still sees what happened."""
    if sys.stderr.isatty():
        from http import HTTPStatus

        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        note(f"{status} {phrase}".strip())


def error(message: str) -> None:
    sys.stderr.write(f"piwik-pro: error: {message}\n")
    sys.stderr.flush()


def note(message: str) -> None:
    sys.stderr.write(f"piwik-pro: {message}\n")
    sys.stderr.flush()


# -- --verbose: request and response lines ----------------------------------------------------

_BODY_LIMIT = 4000


class Verbose:
    """httpx event hooks that print each request and response (token requests too), redacted."""

    def __init__(self, redactor: Redactor, stream: IO[str] | None = None) -> None:
        self.redactor = redactor
        self.stream = stream or sys.stderr

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, text: str) -> None:
        """One more line among the request and response lines."""
        self._write(text)

    def _headers(self, prefix: str, headers: httpx.Headers) -> None:
        for name, value in headers.multi_items():
            shown = REDACTED if name.lower() in SECRET_HEADERS else self.redactor.text(value)
            self._write(f"{prefix} {name}: {shown}")

    def _body(self, prefix: str, raw: bytes, content_type: str) -> None:
        if not raw:
            return
        text = self.redactor.body(raw, content_type)
        if len(text) > _BODY_LIMIT:
            text = text[:_BODY_LIMIT] + f"... ({len(raw)} bytes)"
        self._write(f"{prefix} {text}")

    def on_request(self, request: httpx.Request) -> None:
        import httpx

        self._write(f"> {request.method} {self.redactor.url(request.url)}")
        self._headers(">", request.headers)
        try:
            self._body(">", request.content, request.headers.get("content-type", ""))
        except httpx.RequestNotRead:
            self._write("> (streamed body)")

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self._write(f"< {response.status_code} {response.reason_phrase} ({response.http_version})")
        self._headers("<", response.headers)
        self._body("<", response.content, response.headers.get("content-type", ""))


# -- progress ----------------------------------------------------------------------------------


class Progress:
    """A spinner with a status line on stderr, shown only on a terminal and only for slow work."""

    _FRAMES = "|/-\\"

    def __init__(self, label: str, *, delay: float = 0.4, enabled: bool = True) -> None:
        self.label = label
        self._delay = delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._enabled = enabled and sys.stderr.isatty() and not os.environ.get("PIWIK_PRO_NO_PROGRESS")
        self._shown = False

    def update(self, label: str) -> None:
        self.label = label

    def _run(self) -> None:
        if self._stop.wait(self._delay):
            return
        i = 0
        while not self._stop.is_set():
            sys.stderr.write(f"\r{self._FRAMES[i % 4]} {self.label}\x1b[K")
            sys.stderr.flush()
            self._shown = True
            i += 1
            self._stop.wait(0.1)

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread = threading.Thread(target=self._run, name="piwik-pro-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            if self._shown:
                sys.stderr.write("\r\x1b[K")
                sys.stderr.flush()

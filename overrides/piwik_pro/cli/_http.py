"""HTTPie/restish conventions: -H, --include, -o, --curl, --query, and the missing-scheme hint."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import API_ERROR, CLIError, UsageError

if TYPE_CHECKING:
    import httpx

# What --curl puts where the token goes; the shell expands it, the CLI never sees the value.
TOKEN_PLACEHOLDER = "$PIWIK_PRO_TOKEN"
# Headers curl sets by itself, or that only describe this connection.
_CURL_SKIP = frozenset({"host", "content-length", "user-agent", "accept-encoding", "connection"})
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})


def parse_headers(words: list[str]) -> list[tuple[str, str]]:
    """`-H NAME:VALUE` words as (name, value); the token stays the CLI's business."""
    headers = []
    for word in words:
        name, sep, value = word.partition(":")
        name = name.strip()
        if not sep or not name or any(c.isspace() for c in name):
            raise UsageError(f"-H expects NAME:VALUE, e.g. -H 'X-Request-Source: cli', got {word!r}")
        if name.lower() == "authorization":
            raise UsageError("-H Authorization is not allowed: the CLI adds the token itself")
        headers.append((name, value.strip()))
    return headers


class Captured(Exception):
    """Raised from a request hook under --curl: the request as it would go out, never sent."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__("request captured for --curl")
        self.request = request


def capture(request: httpx.Request) -> None:
    if request.url.path.endswith("/auth/token"):
        return  # a static placeholder token means no token request; belt and braces
    raise Captured(request)


def curl_command(request: httpx.Request) -> str:
    """The request as one curl command line; the Authorization header reads $PIWIK_PRO_TOKEN."""
    words = ["curl", "-X", request.method, shlex.quote(str(request.url))]
    for raw_name, raw_value in request.headers.raw:  # as sent, in the case the client wrote them
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        lower = name.lower()
        if lower in _CURL_SKIP:
            continue
        if lower == "authorization":
            # Double quotes: the shell substitutes the variable; its value never passes through us.
            words += ["-H", f'"Authorization: Bearer {TOKEN_PLACEHOLDER}"']
            continue
        words += ["-H", shlex.quote(f"{name}: {value}")]
    try:
        content = request.content
    except Exception:  # a streamed body: nothing to show
        content = b""
    if content:
        words += ["--data-raw", shlex.quote(content.decode("utf-8", "replace"))]
    return " ".join(words)


def scheme_hint(exc: BaseException, host: str) -> str | None:
    """For a TLS failure on a host typed without a scheme: "did you mean http://HOST?"."""
    if "://" in host:
        return None
    import ssl  # only on this failure path: it costs startup time

    seen: set[int] = set()
    current: BaseException | None = exc
    tls = False
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if isinstance(current, ssl.SSLError) or "SSL" in text or "TLS" in text or "CERTIFICATE" in text:
            tls = True
            break
        current = current.__cause__ or current.__context__
    if not tls:
        return None
    return f"did you mean http://{host.strip().rstrip('/')}? (a host without a scheme is taken as https://)"


def status_block(response: httpx.Response) -> str:
    """`--include`: the status line and headers, as curl -i shows them (secret headers redacted)."""
    lines = [f"{response.http_version} {response.status_code} {response.reason_phrase}".strip()]
    for name, value in response.headers.multi_items():
        lines.append(f"{name}: {'[redacted]' if name.lower() in _SECRET_HEADERS else value}")
    return "\n".join(lines) + "\n\n"


def compile_query(expression: str | None) -> Any:
    """The compiled JMESPath expression (checked before anything is sent), or None."""
    if expression is None:
        return None
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as exc:
        hint = ""
        if re.match(r"^[\w\[\].-]+=[^=]", expression):
            hint = f"; to send a query parameter, give it as a word after the path: ... {shlex.quote(expression)}"
        message = str(exc).replace("\n", " ")
        raise UsageError(f"--query {expression!r} is not a valid JMESPath expression ({message}){hint}") from None


def apply_query(compiled: Any, content: bytes) -> Any:
    try:
        value = json.loads(content) if content else None
    except ValueError:
        raise CLIError("--query needs a JSON answer, and this one is not JSON; nothing printed", API_ERROR) from None
    return compiled.search(value)


def write_output(path_text: str, data: bytes) -> None:
    path = Path(path_text).expanduser()
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write --output {path}: {exc.strerror}") from None

"""The sandbox server: a real HTTP server on loopback that answers as the docs say."""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from . import _jwt
from ._call import Call, Reply
from ._clock import Clock
from ._docs import Operation, SandboxDocs
from ._errors import JSON_API, ApiError
from ._faults import Fault, Faults
from ._users import UsersState
from ._validate import check_body, check_content_type, check_params, media_type, parse_body

logger = logging.getLogger("piwik_pro.sandbox")

DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret"
TOKEN_PATH = "/auth/token"
TOKEN_LIFETIME = 1800
ADMIN_PREFIX = "/__sandbox__"
REDACTED = "[REDACTED]"

_shared_docs: dict[str | None, SandboxDocs] = {}
_shared_lock = threading.Lock()


def shared_docs(source: str | None = None) -> SandboxDocs:
    """SandboxDocs for `source` (None: env PIWIK_PRO_DOCS_SOURCE), loaded once per process."""
    key = source or os.environ.get("PIWIK_PRO_DOCS_SOURCE") or None
    with _shared_lock:
        docs = _shared_docs.get(key)
        if docs is None:
            docs = _shared_docs[key] = SandboxDocs.load(key)
        return docs


@dataclass
class RecordedRequest:
    """A request as the sandbox received it (Authorization and client secrets redacted)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    content_type: str | None
    operation: str | None = None  # "package.operationId", "auth.token", or None when unrouted
    status: int | None = None  # the status answered (None: connection dropped)
    fault: str | None = None  # kind of fault applied, if any
    time: float = field(default=0.0)

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return (
            f"RecordedRequest({self.method} {self.path} -> {self.status}, operation={self.operation!r}, "
            f"content_type={self.content_type!r}, body={len(self.body)} bytes)"
        )


class Sandbox:
    """A local emulator of the Piwik PRO API.

    `docs` is a docs folder or URL (str or path; None: env PIWIK_PRO_DOCS_SOURCE)
    or a prepared `SandboxDocs` (share one between sandboxes: startup is then
    cheap). It may also be given positionally. Clients authenticate with
    `client_id` / `client_secret` (default: DEMO_CLIENT_ID / DEMO_CLIENT_SECRET).
    """

    def __init__(
        self,
        docs_source: str | os.PathLike[str] | SandboxDocs | None = None,
        client_id: str = DEMO_CLIENT_ID,
        client_secret: str = DEMO_CLIENT_SECRET,
        host: str = "127.0.0.1",
        port: int = 0,
        admin: bool = False,
        clock: Clock | None = None,
        *,
        docs: str | os.PathLike[str] | SandboxDocs | None = None,
    ) -> None:
        if docs is not None and docs_source is not None:
            raise TypeError("Sandbox: pass the docs once, as `docs=` (a folder, URL or SandboxDocs)")
        source = docs if docs is not None else docs_source
        if not isinstance(source, SandboxDocs):
            source = shared_docs(os.fspath(source) if source is not None else None)
        self.docs: SandboxDocs = source
        self.client_id = client_id
        self._client_secret = client_secret
        self.host = host
        self.port = port
        self.admin = admin
        self.clock = clock or Clock()
        self.faults = Faults()
        self.users = UsersState(self.docs, self.clock)
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._tokens_issued = 0
        self._generation = 0
        self._requests: list[RecordedRequest] = []
        self._request_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("sandbox already started")
        server = _Server((self.host, self.port), _Handler, self)
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5}, daemon=True)
        self._thread.name = f"piwik-pro-sandbox:{self.port}"
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        # shutdown() waits for the serve loop's next poll; a throwaway connection wakes it at once.
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), timeout=0.5):
                pass
            stopper.join(0.01)
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def client_secret(self) -> str:
        """The client secret the sandbox accepts (a demo credential unless you chose one)."""
        return self._client_secret

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"Sandbox({self.url if self.running else self.host}, {state}, client_id={self.client_id!r})"

    # -- tokens ---------------------------------------------------------------------------

    @property
    def tokens_issued(self) -> int:
        return self._tokens_issued

    def issue_token(self) -> str:
        """A fresh valid token (what POST /auth/token answers), counted in tokens_issued."""
        with self._lock:
            self._tokens_issued += 1
            now = int(self.clock.now())
            claims = {
                "iss": self.url,
                "sub": self.client_id,
                "iat": now,
                "exp": now + TOKEN_LIFETIME,
                "jti": f"{self._tokens_issued}",
                "gen": self._generation,
            }
        return _jwt.encode(claims, self._key)

    def revoke_tokens(self) -> None:
        """Every token issued so far becomes "access token not authorized"."""
        with self._lock:
            self._generation += 1

    def check_token(self, authorization: str | None) -> str | None:
        """None if the Authorization header carries a valid token, else the auth error's title."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "JWT not found"
        claims = _jwt.decode(token.strip(), self._key)
        if claims is None or claims.get("iss") != self.url:
            return "access token not authorized"
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= self.clock.now():
            return "Expired JWT Token"
        if claims.get("gen") != self._generation:
            return "access token not authorized"
        return None

    # -- requests -------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def next_request_id(self) -> str:
        return f"sandbox-{next(self._request_ids):06d}"

    # -- dispatch -------------------------------------------------------------------------

    def token_endpoint(self, headers: Mapping[str, str], body: bytes) -> Reply:
        form = _token_form(headers, body)
        if form.get("grant_type") != "client_credentials":
            raise ApiError.of(
                400,
                "Unsupported grant type",
                code="error.unsupported-grant-type",
                detail=f"grant_type must be 'client_credentials', got {form.get('grant_type')!r}",
                pointer="/grant_type",
            )
        for name in ("client_id", "client_secret"):
            if not form.get(name):
                raise ApiError.of(
                    400,
                    "Invalid request",
                    code="error.invalid-request",
                    detail=f"{name} is missing",
                    pointer=f"/{name}",
                )
        id_ok = secrets.compare_digest(str(form["client_id"]).encode(), self.client_id.encode())
        secret_ok = secrets.compare_digest(str(form["client_secret"]).encode(), self._client_secret.encode())
        if not (id_ok and secret_ok):
            raise ApiError.of(
                401,
                "Invalid client credentials",
                code="error.invalid-client",
                detail="client_id or client_secret is wrong",
            )
        token = self.issue_token()
        body_out = {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME, "access_token": token}
        return Reply.json(200, body_out, "application/json", **{"Cache-Control": "no-store"})

    def api(self, op: Operation, path_params: dict[str, str], raw: _RawRequest) -> Reply:
        if not op.public or "authorization" in raw.headers:
            problem = self.check_token(raw.headers.get("authorization"))
            if problem is not None and not op.public:
                raise ApiError.of(401, problem, header="Authorization", headers={"WWW-Authenticate": "Bearer"})
        media = check_content_type(self.docs, op, raw.headers.get("content-type"), raw.body)
        body = parse_body(self.docs, op, media, raw.body, raw.headers.get("content-type"))
        call = Call(op, op.method, raw.path, path_params, raw.query, raw.headers, raw.body, media, body)
        reply = self.users.handle(call)
        if reply is not None:
            return reply
        check_params(self.docs, op, path_params, raw.query, raw.headers)
        if media is not None:
            check_body(self.docs, op, media, body)
        status, content_type, payload = self.docs.success_answer(op, raw.headers.get("accept"))
        if content_type is not None and "json" in content_type and payload:
            payload = _reflect(op, path_params, body, payload)
            if op.method == "GET":
                payload = _paginate(op, raw.query, payload)
        return Reply(status, payload, content_type)


def _reflect(op: Operation, path_params: dict[str, str], body: Any, payload: bytes) -> bytes:
    """Make a documented single-resource answer about this request: the id the URL names, and the
    attributes the request set (where the answer has them), so scripts can follow their own data."""
    document = json.loads(payload)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        return payload
    changed = False
    last = op.path.rstrip("/").rsplit("/", 1)[-1]
    if last.startswith("{") and "id" in data and last[1:-1] in path_params:
        data["id"] = path_params[last[1:-1]]
        changed = True
    sent = body.get("data") if isinstance(body, dict) else None
    sent_attributes = sent.get("attributes") if isinstance(sent, dict) else None
    attributes = data.get("attributes")
    if isinstance(sent_attributes, dict) and isinstance(attributes, dict):
        for name, value in sent_attributes.items():
            if name in attributes:
                attributes[name] = value
                changed = True
    return json.dumps(document).encode() if changed else payload


_PAGE_PARAMS = (("offset", "limit"), ("page[offset]", "page[limit]"))


def _paginate(op: Operation, query: list[tuple[str, str]], payload: bytes) -> bytes:
    """Serve a documented list example as one page of `meta.total` items, so that paginating clients
    see pages that end: items are the example's, repeated as needed; past the total, `data` is empty."""
    names = {p.name: p for p in op.parameters if p.location == "query"}
    pair = next(((o, lim) for o, lim in _PAGE_PARAMS if o in names and lim in names), None)
    if pair is None:
        return payload
    document = json.loads(payload)
    data = document.get("data") if isinstance(document, dict) else None
    meta = document.get("meta") if isinstance(document, dict) else None
    if not isinstance(data, list) or not isinstance(meta, dict) or not isinstance(meta.get("total"), int):
        return payload
    given = dict(query)
    default_limit = op.resolver.resolve(names[pair[1]].schema).get("default", len(data))
    try:
        offset = int(given.get(pair[0], 0))
        limit = int(given.get(pair[1], default_limit))
    except ValueError:
        return payload
    end = min(offset + limit, meta["total"])
    document["data"] = [data[i % len(data)] for i in range(offset, end)] if data else []
    return json.dumps(document).encode()


def _token_form(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    kind = media_type(headers.get("content-type"))
    form: dict[str, Any] = {}
    text = body.decode("utf-8", "replace")
    if kind == "application/x-www-form-urlencoded":
        form = dict(parse_qsl(text, keep_blank_values=True))
    else:
        try:
            parsed = json.loads(text) if text.strip() else {}
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ApiError.of(400, "Invalid request", code="error.invalid-request", detail="body is not a JSON object")
        form = parsed
    # OAuth libraries may send the client credentials as HTTP Basic instead (client_secret_basic).
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and "client_id" not in form:
        try:
            client_id, _, client_secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id = client_secret = ""
        form["client_id"], form["client_secret"] = unquote(client_id), unquote(client_secret)
    return form


def _redact_token_body(body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        pairs = parse_qsl(text, keep_blank_values=True)
        if any(k == "client_secret" for k, _ in pairs):
            return urlencode([(k, REDACTED if k == "client_secret" else v) for k, v in pairs]).encode()
        return body
    if isinstance(parsed, dict) and "client_secret" in parsed:
        parsed["client_secret"] = REDACTED
        return json.dumps(parsed).encode()
    return body


@dataclass
class _RawRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # hundreds of concurrent clients connect at once in the client's tests

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-request (a timeout, a retry, a dropped keep-alive) is ordinary traffic, not a
        # sandbox failure: no traceback on the console of whoever runs it. Anything else is logged in full.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("client %s hung up", client_address)
            return
        logger.exception("sandbox error on the connection from %s", client_address)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Unblock keep-alive handler threads so stop() leaves nothing listening or reading."""
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PiwikProSandbox/1"
    timeout = 120  # idle keep-alive connections are closed after this
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- plumbing -------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        sandbox = self.server.sandbox
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        raw = _RawRequest(self.command, path, parse_qsl(split.query, keep_blank_values=True), headers, body)
        if sandbox.admin and path.startswith(ADMIN_PREFIX):
            self._send(None, self._admin(sandbox, raw))  # admin calls are not API traffic: not recorded
            return
        recorded_headers = {k: (REDACTED if k == "authorization" else v) for k, v in headers.items()}
        record = RecordedRequest(
            self.command,
            path,
            raw.query,
            recorded_headers,
            _redact_token_body(body) if path == TOKEN_PATH else body,
            headers.get("content-type"),
            time=sandbox.clock.now(),
        )
        sandbox._record(record)
        matched = sandbox.docs.match(self.command, path) if path != TOKEN_PATH else None
        record.operation = "auth.token" if path == TOKEN_PATH else (matched[0].key if matched else None)
        template = TOKEN_PATH if path == TOKEN_PATH else (matched[0].path if matched else None)
        fault = sandbox.faults.take(self.command, path, template)
        truncate = False
        if fault is not None:
            record.fault = fault.kind
            if fault.kind == "drop":
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "revoke":
                sandbox.revoke_tokens()
            elif fault.kind == "truncated":
                truncate = True
            else:
                self._send(record, _fault_reply(fault))
                return
        try:
            if self.command == "POST" and path == TOKEN_PATH:
                reply = sandbox.token_endpoint(headers, body)
            elif matched is None:
                reply = _not_found(sandbox.docs, self.command, path)
            else:
                reply = sandbox.api(matched[0], matched[1], raw)
        except ApiError as error:
            reply = Reply.json(error.status, error.body(), JSON_API, **error.headers)
        except Exception:  # a sandbox bug must still answer, and say so
            logger.exception("sandbox error on %s %s", self.command, path)
            internal = ApiError.of(500, "Sandbox internal error", detail="see the sandbox log")
            reply = Reply.json(500, internal.body())
        if truncate:
            payload = reply.body if len(reply.body) > 1 else b'{"data": {"id": "'
            reply = Reply(reply.status if reply.body else 200, payload[: max(1, len(payload) // 2)], JSON_API)
        self._send(record, reply)

    def _send(self, record: RecordedRequest | None, reply: Reply) -> None:
        if record is not None:
            record.status = reply.status
        try:
            self.send_response(reply.status)
            if reply.content_type and reply.body:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("X-Request-Id", self.server.sandbox.next_request_id())
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and reply.body:
                self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:  # the client went away (e.g. it timed out during a delay fault)
            self.close_connection = True

    def _admin(self, sandbox: Sandbox, raw: _RawRequest) -> Reply:
        from ._admin import admin_reply

        return admin_reply(sandbox, raw.method, raw.path[len(ADMIN_PREFIX) :], raw.body)


def _fault_reply(fault: Fault) -> Reply:
    status = fault.status or 503
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    if fault.kind == "html":
        page = (
            f"<html><head><title>{status} Error</title></head>"
            f"<body><h1>{status} Error</h1><p>The server answered with an error page.</p></body></html>"
        )
        return Reply(status, page.encode(), "text/html; charset=utf-8", headers)
    error = ApiError.of(status, _REASONS.get(status, "Error"), detail="injected by the sandbox's fault rules")
    return Reply.json(status, error.body(), JSON_API, **headers)


_REASONS = {
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _not_found(docs: SandboxDocs, method: str, path: str) -> Reply:
    allowed = docs.allowed_methods(path)
    if allowed:
        error = ApiError.of(405, "Method Not Allowed", detail=f"{path} takes {', '.join(allowed)}, not {method}")
        return Reply.json(405, error.body(), JSON_API, Allow=", ".join(allowed))
    error = ApiError.of(404, "Not Found", detail=f"no documented operation matches {method} {path}")
    return Reply.json(404, error.body())

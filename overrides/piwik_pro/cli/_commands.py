"""The commands. Each takes the parsed arguments and returns an exit code.

Heavy imports (httpx, the client, generated modules) happen inside the
commands, so `piwik-pro --help` and `piwik-pro ops` start fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import _catalog, _config, _http, _output, _params
from ._errors import NETWORK_OR_AUTH, OK, CLIError, UsageError

if TYPE_CHECKING:
    import httpx

    from piwik_pro import OperationInfo, PiwikPro

    from ._cache import FileTokenStore


def _opt(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


# -- the client --------------------------------------------------------------------------------


class Session:
    """The resolved credentials, the client and what --verbose needs, for one command."""

    def __init__(self, args: argparse.Namespace, *, refresh: bool = False) -> None:
        self.args = args
        self.curl = bool(_opt(args, "curl"))
        self.creds = _config.resolve(
            host=_opt(args, "host"),
            client_id=_opt(args, "client_id"),
            client_secret_file=_opt(args, "client_secret_file"),
            profile=_opt(args, "profile"),
            need_secret=not self.curl,  # --curl sends nothing, so it needs no credentials
        )
        self.headers = _http.parse_headers(_opt(args, "header") or [])
        self.redactor = _output.Redactor([self.creds.client_secret])
        self.verbose = bool(_opt(args, "verbose"))
        self.last_response: httpx.Response | None = None
        self._client: PiwikPro | None = None
        self._undo: list[Callable[[], None]] = []
        self.refresh = refresh  # token --refresh: do not load the cached token

    def store(self) -> FileTokenStore:
        from ._cache import FileTokenStore, cache_file

        creds = self.creds
        assert creds.client_id is not None and creds.client_secret is not None
        return FileTokenStore(
            cache_file(_config.cache_dir(), creds.host, creds.client_id),
            host=creds.host,
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            skip_load=self.refresh,
        )

    def client(self) -> PiwikPro:
        if self._client is not None:
            return self._client
        from piwik_pro import PiwikPro

        options: dict[str, Any] = {}
        if _opt(self.args, "timeout") is not None:
            options["timeout"] = self.args.timeout
        if _opt(self.args, "max_retries") is not None:
            options["max_retries"] = self.args.max_retries
        try:
            if self.curl:
                # The placeholder stands where the token goes; nothing is ever sent with it.
                client = PiwikPro(
                    self.creds.host,
                    token=_http.TOKEN_PLACEHOLDER,
                    allow_insecure_http=bool(_opt(self.args, "allow_insecure_http")),
                    **options,
                )
            else:
                client = PiwikPro(
                    self.creds.host,
                    self.creds.client_id,
                    self.creds.client_secret,
                    token_store=None if _opt(self.args, "no_cache") else self.store(),
                    allow_insecure_http=bool(_opt(self.args, "allow_insecure_http")),
                    **options,
                )
        except ValueError as exc:
            message = str(exc).replace("allow_insecure_http=True", "--allow-insecure-http")
            raise UsageError(f"{self.redactor.text(message)} (host from {self.creds.sources.get('host')})") from None
        hooks = client.get_httpx_client().event_hooks
        if self.headers:
            hooks["request"].append(self._add_headers)
        if self.curl:
            hooks["request"].append(_http.capture)
        if self.verbose:
            verbose = _output.Verbose(self.redactor)
            hooks["request"].append(verbose.on_request)
            hooks["response"].append(verbose.on_response)
            from ._attempts import show_attempts

            self._undo.append(show_attempts(verbose))
        hooks["response"].append(self._remember)
        self._client = client
        return client

    def _add_headers(self, request: httpx.Request) -> None:
        if not request.url.path.endswith("/auth/token"):
            for name, value in self.headers:
                request.headers[name] = value

    def _remember(self, response: httpx.Response) -> None:
        if not response.request.url.path.endswith("/auth/token"):  # the operation's answer, not the token's
            self.last_response = response

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        for undo in self._undo:
            undo()

    @contextmanager
    def progress(self, label: str) -> Iterator[_output.Progress]:
        # Verbose lines and a spinner on one stderr would garble each other.
        with _output.Progress(label, enabled=not self.verbose) as progress:
            yield progress


@contextmanager
def session(args: argparse.Namespace, *, refresh: bool = False) -> Iterator[Session]:
    s = Session(args, refresh=refresh)
    try:
        yield s
    except Exception as exc:
        hint = _http.scheme_hint(exc, s.creds.host)
        if hint is None:
            raise
        raise CLIError(s.redactor.text(f"cannot reach the API: {exc}; {hint}"), NETWORK_OR_AUTH) from None
    finally:
        s.close()


# -- token ---------------------------------------------------------------------------------------


def cmd_token(args: argparse.Namespace) -> int:
    with session(args, refresh=args.refresh) as s, s.progress("getting a token"):
        token = s.client().fetch_token(force_refresh=args.refresh)
    if args.raw:
        print(token.access_token)
        return OK
    expires_at = float(token.expires_at)
    _output.print_json(
        {
            "token_type": token.token_type,
            "expires_in": max(0, int(expires_at - time.time())),
            "expires_at": datetime.datetime.fromtimestamp(expires_at, datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
            "access_token": "[redacted: use --raw to print it]",
        }
    )
    return OK


# -- apis / ops ----------------------------------------------------------------------------------


def cmd_apis(args: argparse.Namespace) -> int:
    counts: dict[str, int] = {}
    for op in _catalog.operations():
        counts[op.doc] = counts.get(op.doc, 0) + 1
    rows: list[dict[str, Any]] = [
        {
            "api": d.accessor,
            "package": f"piwik_pro_api.{d.package}",
            "title": d.title,
            "operations": counts.get(d.package, 0),
        }
        for d in sorted(_catalog.docs(), key=lambda d: d.accessor)
    ]
    if args.json:
        _output.print_json(rows)
    else:
        _table([[r["api"], str(r["operations"]), r["title"]] for r in rows], ["API", "OPS", "TITLE"])
    return OK


def _table(rows: list[list[str]], header: list[str]) -> None:
    """Columns padded to their widest cell; the last one cut to fit the terminal (COLUMNS, else the tty)."""
    import os
    import shutil

    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    bold = _output.use_color(sys.stdout)
    # Piped output stays whole (grep, awk); a terminal, or an explicit COLUMNS, gets lines that fit.
    fit = sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))
    columns = shutil.get_terminal_size().columns
    room = columns - sum(w + 2 for w in widths)
    for n, row in enumerate([header, *rows]):
        last = row[-1]
        if fit and len(last) > max(room, 8):
            last = last[: max(room, 8) - 1] + "…"
        line = "  ".join([*(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)), last]).rstrip()
        if fit and len(line) > columns:  # even the fixed columns are too wide: cut the line itself
            line = line[: max(columns, 20) - 1] + "…"
        sys.stdout.write((f"\x1b[1m{line}\x1b[0m" if bold and n == 0 else line) + "\n")
    sys.stdout.flush()


def cmd_ops(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if len(words) > 1:
        raise UsageError(
            f"ops takes one API name, got {' '.join(words)!r}; to see one operation: piwik-pro ops show NAME"
        )
    everything = _catalog.operations()
    ops = everything
    if words:
        wanted = set(_catalog.match_api(words[0]))
        ops = [op for op in ops if op.doc in wanted]
    if args.search:
        ops = _catalog.search(ops, args.search)
    ops = sorted(ops, key=lambda op: (op.accessor, op.path, op.method))
    if args.json:
        keys = ("name", "accessor", "method", "path", "summary", "pagination")
        _output.print_json([{k: getattr(op, k) for k in keys} for op in ops])
        return OK
    # Names repeat across APIs: show the qualified form only where it must be used.
    counts: dict[str, int] = {}
    for op in everything:
        counts[op.name] = counts.get(op.name, 0) + 1
    _table(
        [[op.qualified_name if counts[op.name] > 1 else op.name, op.method, op.path, op.summary] for op in ops],
        ["OPERATION", "METHOD", "PATH", "SUMMARY"],
    )
    return OK


def _body_fields(op: OperationInfo) -> list[_catalog.Field]:
    body = op.body
    if body and body.model and body.module:
        model = _catalog.load_model(body.module, body.model)
        return _catalog.model_fields(model) if model is not None else []
    return []


def body_required(op: OperationInfo, fields: list[_catalog.Field]) -> bool:
    """Whether the API needs a body: the doc says so, or its model has required fields.

    A JSON:API create/update body (required `data`) cannot be left out, even where
    the doc marks the request body optional.
    """
    return op.body is not None and (op.body.required or any(f.required for f in fields))


def body_skeleton(fields: list[_catalog.Field]) -> dict[str, Any]:
    """A JSON outline of a body: nested objects spelled out, leaves as "<type>" placeholders."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.children:
            out[f.name] = body_skeleton(f.children)
        else:
            out[f.name] = f"<{f.type}{', required' if f.required else ''}>"
    return out


def cmd_ops_show(args: argparse.Namespace) -> int:
    return _ops_show(args, _catalog.find(args.operation))


def _ops_show(args: argparse.Namespace, op: OperationInfo) -> int:
    body = op.body
    fields = _body_fields(op)
    if args.json:

        def as_json(fs: list[_catalog.Field]) -> list[dict[str, Any]]:
            return [{"name": f.name, "type": f.type, "required": f.required, "fields": as_json(f.children)} for f in fs]

        info = dataclasses.asdict(op)
        _output.print_json({**info, "qualified_name": op.qualified_name, "body_fields": as_json(fields)})
        return OK
    out = [f"{op.qualified_name}  {op.method} {op.path}"]
    if op.summary:
        out.append(f"  {op.summary}")
    out.append(f"  python: pp.{op.qualified_name}(...)  (module {op.module})")
    out.append("parameters:" if op.parameters else "parameters: none")
    try:
        function = op.load().sync_detailed
    except (ImportError, AttributeError):  # the index without its module: show what the index knows
        function = None
    types = _params.parameter_types(function) if function else {}
    # Both spellings work in `call`: the API's (userId, page[offset]) and Python's (user_id, pageoffset).
    labels = [p.name if p.python_name == p.name else f"{p.name} | {p.python_name}" for p in op.parameters]
    width = max((len(label) for label in labels), default=0)
    for p, label in zip(op.parameters, labels, strict=True):
        flag = "required" if p.required else "optional"
        out.append(f"  {label.ljust(width)}  {p.location:<5}  {flag}  {types.get(p.python_name, p.type)}")
    if body:
        ctype = op.request_content_type or "application/json"
        needed = "required" if body_required(op, fields) else "optional"
        out.append(f"body ({body.model or 'JSON'}, {ctype}, {needed}):")

        def walk(fs: list[_catalog.Field], indent: int) -> None:
            for f in fs:
                out.append(f"{' ' * indent}{f.name}: {f.type}{'  (required)' if f.required else ''}")
                walk(f.children, indent + 2)

        walk(fields, 2)
        if not fields and function:
            # A union body (one model per variant, e.g. per tag template): name the variants.
            # Listed by the value that picks each variant (the Tag Manager `template`), with its fields.
            out.extend(_catalog.variant_lines(_params.body_variant_classes(function)))
    if op.pagination:
        out.append(f"pagination: {op.pagination} (call with --all to fetch every page)")
    words = [f"{p.name}=..." for p in op.parameters if p.required] + (["--data @body.json"] if body else [])
    out.append(" ".join(["example: piwik-pro call", op.name, *words]))
    print("\n".join(out))
    return OK


# -- call / request ------------------------------------------------------------------------------


def cmd_call(args: argparse.Namespace) -> int:
    op = _catalog.find(args.operation)
    try:
        module = op.load()
    except ImportError as exc:
        raise UsageError(f"cannot import {op.module} ({exc}); regenerate the client (`nox -s regenerate`)") from None
    query = _http.compile_query(args.query)
    pairs = _params.split_assignments(args.params)
    has_data = args.data is not None
    if not has_data:
        fields = _body_fields(op)
        if body_required(op, fields):
            outline = body_skeleton(fields)
            raise UsageError(
                f"{op.name} needs a request body: --data JSON, --data @file or --data - "
                f"(fields: piwik-pro ops show {op.name})"
                + (f"; its outline: {json.dumps(outline, ensure_ascii=False)}" if outline else "")
            )
    data = _params.read_data(args.data) if has_data else None
    kwargs = _params.build_kwargs(op, module.sync_detailed, pairs, data, has_data)
    if args.all and not op.pagination:
        raise UsageError(f"{op.name} is not a paginated list operation; drop --all")
    if args.all and (args.curl or args.include):
        raise UsageError("--all follows many pages; --curl and --include show one request: drop one of them")
    with session(args) as s:
        if args.all:
            items: list[Any] = []
            with s.progress(f"fetching {op.name}") as progress:
                for item in s.client().paginate(op, **kwargs):
                    items.append(item.to_dict() if hasattr(item, "to_dict") else item)
                    progress.update(f"fetching {op.name}: {len(items)} items")
            _deliver(args, json.dumps(items).encode(), query)
            return OK
        misfit: Exception | None = None
        with s.progress(f"calling {op.name}"):
            try:
                response = module.sync_detailed(client=s.client(), **kwargs)
            except _http.Captured as captured:
                print(_http.curl_command(captured.request))
                return OK
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                # The API answered, but the generated model cannot read the body: show it as it came.
                if s.last_response is None:
                    raise
                misfit, response = exc, s.last_response
        if args.include and s.last_response is not None:
            sys.stdout.write(_http.status_block(s.last_response))
        raise_for_status(response)
        if misfit is None:
            from piwik_pro._errors import APIResponseValidationError, UnexpectedStatusError

            try:  # the typed value is parsed on first access; a body unlike the doc raises here
                response.parsed  # noqa: B018
            except (APIResponseValidationError, UnexpectedStatusError) as exc:
                misfit = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
        if isinstance(misfit, json.JSONDecodeError):
            raise CLIError(f"the API answered {response.status_code} with broken JSON ({misfit}); nothing printed")
        if misfit is not None:
            _output.note(f"warning: the answer does not fit the doc's schema ({type(misfit).__name__}: {misfit})")
        _deliver(args, response.content, query)
        if not response.content:
            _output.status_note(int(response.status_code))
    return OK


def _deliver(args: argparse.Namespace, content: bytes, query: Any) -> None:
    """The answer to stdout or --output FILE, filtered by --query when given."""
    if query is not None:
        value = _http.apply_query(query, content)
        if args.output:
            _http.write_output(args.output, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode())
        else:
            _output.print_json(value)
        return
    if args.output:
        _http.write_output(args.output, content)
        return
    _output.print_body(content)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def cmd_request(args: argparse.Namespace) -> int:
    method = args.method.upper()
    if method not in _METHODS:
        raise UsageError(f"unknown HTTP method {args.method!r}; use one of {', '.join(_METHODS)}")
    path: str = args.path
    if not path.startswith("/"):
        raise UsageError(f"PATH must start with / (a path on the configured host), got {path!r}")
    query = _http.compile_query(args.query)
    params: dict[str, list[str]] = {}
    for name, value in _params.split_assignments(args.params or [], "query parameter"):
        params.setdefault(name, []).append(value)
    data = _params.read_data(args.data) if args.data is not None else None
    with session(args) as s, s.progress(f"{method} {path}"):
        # The client picks Content-Type/Accept from the operation matching METHOD and PATH.
        try:
            response = s.client().request(
                method, path, params=params or None, json=data, content_type=args.content_type
            )
        except _http.Captured as captured:
            print(_http.curl_command(captured.request))
            return OK
        except ValueError as exc:  # the client's checks of PATH and --content-type (CR/LF, control characters)
            raise UsageError(str(exc)) from None
        if args.include:
            sys.stdout.write(_http.status_block(response))
        _deliver(args, response.content, query)
    return OK


# -- sandbox -------------------------------------------------------------------------------------


def cmd_sandbox(argv: list[str]) -> int:
    from piwik_pro.sandbox import main as sandbox_main

    return int(sandbox_main(argv) or 0)


def raise_for_status(response: Any) -> None:
    from piwik_pro._base import raise_for_status as check

    check(response)

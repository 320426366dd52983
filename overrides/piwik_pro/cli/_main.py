"""Argument parsing, dispatch, and the mapping from failures to exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from ._errors import API_ERROR, NETWORK_OR_AUTH, USAGE, CLIError, UsageError

EPILOG = """\
credentials (flags > environment > profile):
  host        --host, PIWIK_PRO_HOST, profile `host`
  client id   --client-id, PIWIK_PRO_CLIENT_ID, profile `client_id`
  secret      --client-secret-file, PIWIK_PRO_CLIENT_SECRET, profile `client_secret_file`
  profiles    [profiles.NAME] tables in $XDG_CONFIG_HOME/piwik-pro/config.toml,
              chosen with --profile NAME or PIWIK_PRO_PROFILE (default: "default")
  tokens are cached per host and client id in $XDG_CACHE_HOME/piwik-pro/ (mode 0600)

exit codes:
  0 success, 1 API error (4xx/5xx), 2 usage error, 3 network or authentication failure
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line with the fix, like every other CLI error."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


class _Version(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("piwik-pro-client")
        except PackageNotFoundError:
            text = "unknown"
        print(f"piwik-pro {text}")
        parser.exit()


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def _connection() -> _Parser:
    """Options of the commands that talk to the API, in one group."""
    # SUPPRESS: options given before the command must survive the subparser's defaults.
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("connection")
    s = argparse.SUPPRESS
    group.add_argument("--profile", metavar="NAME", default=s, help="use the named profile from the config file")
    group.add_argument("--host", metavar="URL", default=s, help="account URL, e.g. https://ACCOUNT.piwik.pro")
    group.add_argument("--client-id", metavar="ID", default=s, help="API client id")
    group.add_argument(
        "--client-secret-file", metavar="PATH", default=s, help="read the client secret from this file (never a flag)"
    )
    group.add_argument("--no-cache", action="store_true", default=s, help="do not read or write the token cache")
    group.add_argument(
        "--allow-insecure-http", action="store_true", default=s, help="allow an http:// host that is not loopback"
    )
    group.add_argument(
        "--timeout", metavar="SECONDS", type=_seconds, default=s, help="give up on an attempt after this long (60)"
    )
    group.add_argument(
        "--max-retries", metavar="N", type=_count, default=s, help="retry failed attempts up to N times (2)"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=s,
        help="print every request, attempt and response, and the total time (secrets redacted)",
    )
    return parent


def _http_output() -> _Parser:
    """Options of the commands that send one API request and print its answer."""
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("request and output")
    group.add_argument(
        "-H", "--header", action="append", default=[], metavar="NAME:VALUE", help="extra request header (repeatable)"
    )
    group.add_argument("--include", action="store_true", help="print the status line and headers before the body")
    group.add_argument("-o", "--output", metavar="FILE", help="write the body to FILE instead of stdout")
    group.add_argument(
        "--curl", action="store_true", help="print the equivalent curl command ($PIWIK_PRO_TOKEN) and send nothing"
    )
    group.add_argument("--query", metavar="EXPR", help="filter the JSON answer with a JMESPath expression")
    return parent


def build_parser() -> argparse.ArgumentParser:
    connection = _connection()
    http_output = _http_output()
    parser = _Parser(
        prog="piwik-pro",
        description="Call the Piwik PRO API from the shell: explore operations, call any of them, script the results.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[connection],
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str, parents: list[_Parser], epilog: str | None = None) -> Any:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog, parents=parents)
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        return p

    p = add(
        "token", "get an access token and print the token response (token redacted unless --raw)", [connection], EPILOG
    )
    p.add_argument("--refresh", action="store_true", help="fetch a new token even if a cached one is valid")
    p.add_argument("--raw", action="store_true", help="print only the access token (for scripts)")

    p = add("apis", "list the APIs the client offers (reads the generated index; never connects)", [])
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = add("ops", "list operations; `piwik-pro ops show OPERATION` shows one (never connects)", [])
    p.add_argument("words", nargs="*", default=[], metavar="API", help="only this API (or a prefix: tag_manager)")
    p.add_argument("--search", metavar="TEXT", help="only operations whose name, path or summary contain TEXT")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = add("call", "call an operation by name and print the response as JSON", [connection, http_output], EPILOG)
    p.add_argument("operation", help="operation name, e.g. list_users (see `piwik-pro ops`)")
    p.add_argument("params", nargs="*", default=[], metavar="name=value", help="path and query parameters")
    p.add_argument("--data", metavar="JSON|@FILE|-", help="request body: JSON text, @file, or - for stdin")
    p.add_argument("--all", action="store_true", help="follow pagination and print every item of a list operation")

    p = add(
        "request",
        "a raw call to any path, with the token, JSON:API headers, retries and typed errors",
        [connection, http_output],
        EPILOG,
    )
    p.add_argument("method", help="GET, POST, PATCH, PUT, DELETE")
    p.add_argument("path", help="path on the host, e.g. /api/users/v2")
    p.add_argument("params", nargs="*", default=[], metavar="name=value", help="query parameters (repeatable)")
    p.add_argument("--data", metavar="JSON|@FILE|-", help="JSON body: JSON text, @file, or - for stdin")
    p.add_argument("--content-type", metavar="TYPE", help="body content type (default: what the docs say for PATH)")

    p = add("export", "write the fixed docs as a Postman collection/environment or OpenAPI files (never connects)", [])
    p.add_argument("format", choices=("postman", "postman-env", "openapi"), help="what to write")
    p.add_argument("apis", nargs="*", default=[], metavar="API", help="only these APIs (default: all)")
    p.add_argument(
        "-o", "--output", metavar="FILE|DIR", help="file (postman, postman-env; default stdout) or folder (openapi)"
    )
    p.add_argument(
        "--docs", metavar="DIR|URL", help="docs source (default: env PIWIK_PRO_DOCS_SOURCE, else the docs site)"
    )
    p.add_argument("--base-url", metavar="URL", help="the baseUrl variable (default: env PIWIK_PRO_HOST)")
    p.add_argument(
        "--client-id", metavar="ID", help="postman-env: the clientId value (default: env PIWIK_PRO_CLIENT_ID)"
    )

    p = add("completion", 'print a shell completion script: eval "$(piwik-pro completion bash)"', [])
    p.add_argument("shell", choices=("bash", "zsh", "fish"))

    p = add("sandbox", "run the local Piwik PRO sandbox (`piwik-pro sandbox --help` for its options)", [])
    p.add_argument("sandbox_args", nargs=argparse.REMAINDER, help="options of the sandbox")
    return parser


def build_ops_show_parser() -> argparse.ArgumentParser:
    """`ops show` has its own usage and help (argparse cannot mix it with `ops [API]`)."""
    parser = _Parser(
        prog="piwik-pro ops show",
        description="show one operation: path, parameters (types, required ones, enum values) and body fields",
    )
    parser.add_argument("operation", help="operation name, e.g. invite_user or users.invite_user")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


_VALUE_OPTIONS = frozenset({"--profile", "--host", "--client-id", "--client-secret-file", "--timeout", "--max-retries"})


def _command_at(argv: list[str]) -> int | None:
    """Index of the command word: the first word that is neither a global option nor its value."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if not word.startswith("-"):
            return i
        i += 2 if word in _VALUE_OPTIONS else 1
    return None


def _run(argv: list[str]) -> int:
    at = _command_at(argv)
    if at is not None and argv[at] == "sandbox":
        # Everything after `sandbox` is the sandbox's own (argparse would reorder it).
        from ._commands import cmd_sandbox

        return cmd_sandbox(argv[at + 1 :])
    if at is not None and argv[at] == "__complete":
        from ._completion import print_candidates

        return print_candidates(argv[at + 1 :])
    if at is not None and argv[at : at + 2] == ["ops", "show"]:
        show_args = build_ops_show_parser().parse_args(argv[at + 2 :])
        from ._commands import cmd_ops_show

        return cmd_ops_show(show_args)
    parser = build_parser()
    args = parser.parse_args(argv)  # --help exits here, before the commands are imported
    from . import _commands

    if args.command == "sandbox":
        return _commands.cmd_sandbox(args.sandbox_args)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    from ._completion import cmd_completion
    from ._export import cmd_export

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "token": _commands.cmd_token,
        "apis": _commands.cmd_apis,
        "ops": _commands.cmd_ops,
        "call": _commands.cmd_call,
        "request": _commands.cmd_request,
        "export": cmd_export,
        "completion": cmd_completion,
    }
    if not getattr(args, "verbose", False):
        return handlers[args.command](args)
    started = time.monotonic()
    try:
        return handlers[args.command](args)
    finally:
        from ._output import note

        note(f"total {time.monotonic() - started:.2f} s")


def _api_error_line(exc: Any) -> str:
    status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    titles = []
    for err in getattr(exc, "errors", None) or []:
        title = getattr(err, "title", None) or (err.get("title") if isinstance(err, dict) else None)
        detail = getattr(err, "detail", None) or (err.get("detail") if isinstance(err, dict) else None)
        pointer = getattr(err, "pointer", None) or getattr(err, "parameter", None)
        text = title or detail or ""
        if detail and title and detail != title:
            text += f": {detail}"
        if pointer:
            text += f" (at {pointer})"
        if text:
            titles.append(text)
    summary = "; ".join(titles) or getattr(exc, "body_snippet", None) or str(exc)
    return f"HTTP {status}: {summary}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `piwik-pro` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from ._output import Redactor, error

    # Last line of defence: whatever we print about a failure goes through this.
    redactor = Redactor([os.environ.get("PIWIK_PRO_CLIENT_SECRET")])
    try:
        return _run(argv)
    except CLIError as exc:
        error(redactor.text(exc.message))
        return exc.exit_code
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        # `piwik-pro ... | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
    except Exception as exc:
        return _report(exc, redactor)


def _report(exc: Exception, redactor: Any) -> int:
    from ._output import error

    try:
        import piwik_pro as pp
    except ImportError:  # pragma: no cover - the client itself is broken
        pp = None  # type: ignore[assignment]
    if pp is not None:
        if isinstance(exc, pp.AuthenticationError):
            error(redactor.text(f"authentication failed: {_api_error_line(exc)}; check the client id and secret"))
            return NETWORK_OR_AUTH
        if isinstance(exc, pp.APIStatusError):
            error(redactor.text(_api_error_line(exc)))
            return API_ERROR
        if isinstance(exc, pp.APITimeoutError):
            error(redactor.text(f"timed out: {exc}"))
            return NETWORK_OR_AUTH
        if isinstance(exc, pp.APIConnectionError):
            error(redactor.text(f"cannot reach the API: {exc}; check the host and your network"))
            return NETWORK_OR_AUTH
        if isinstance(exc, pp.PiwikProError):
            error(redactor.text(str(exc)))
            return API_ERROR
    if os.environ.get("PIWIK_PRO_LOG", "").lower() == "debug":
        raise exc
    error(redactor.text(f"unexpected {type(exc).__name__}: {exc} (PIWIK_PRO_LOG=debug shows the traceback)"))
    return API_ERROR

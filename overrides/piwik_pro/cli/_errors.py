"""The CLI's own errors: each carries the exit code and one line for stderr."""

from __future__ import annotations

# Exit codes (documented in `piwik-pro --help`).
OK = 0
API_ERROR = 1
USAGE = 2
NETWORK_OR_AUTH = 3


class CLIError(Exception):
    """A failure the CLI reports as one line on stderr and an exit code."""

    exit_code = API_ERROR

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CLIError):
    """Bad input from the user: wrong flags, unknown names, invalid JSON, missing config."""

    exit_code = USAGE

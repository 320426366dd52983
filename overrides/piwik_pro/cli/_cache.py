"""The on-disk token cache: successive CLI runs reuse one token until it expires.

One file per (host, client id), so profiles never share a token. The file is
written atomically with mode 0600 in a 0700 directory (created so, or
tightened to it; one owned by another user is refused); a corrupt, foreign or
expired file reads as "no token" and is replaced by the next save.

Concurrent processes share one fetch: the client holds `lock()` (an advisory
lock on `locks/<key>.lock`, next to `tokens/`) while it fetches, and re-reads the
file once it has the lock. The lock is the OS's own (fcntl.flock on POSIX,
msvcrt.locking on Windows): a process that dies releases it, and no dependency
is needed for the few lines it takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import UsageError

if TYPE_CHECKING:
    from piwik_pro import Token

# How often a process waiting for another's token fetch looks at the lock again.
LOCK_POLL_SECONDS = 0.02

# Tokens this close to expiry are not worth reusing: the call might outlive them.
EXPIRY_MARGIN_SECONDS = 60.0


def cache_file(directory: Path, host: str, client_id: str) -> Path:
    key = hashlib.sha256(f"{host.rstrip('/')}\0{client_id}".encode()).hexdigest()[:24]
    return directory / "tokens" / f"{key}.json"


class FileTokenStore:
    """A `piwik_pro.TokenStore` backed by one JSON file."""

    def __init__(self, path: Path, *, host: str, client_id: str, client_secret: str, skip_load: bool = False) -> None:
        self.path = path
        # A token is reused only with the secret it was issued for: a changed (or wrong) secret
        # must fetch anew and fail loudly, not ride on an old token. Salted, so it is no plain hash.
        self._secret_check = hashlib.sha256(b"piwik-pro token cache\0" + client_secret.encode()).hexdigest()
        self._skip_load = skip_load  # `token --refresh`: ignore what is cached, still save the new one
        self._host = host.rstrip("/")
        self._client_id = client_id
        with contextlib.suppress(OSError):  # an unwritable cache costs a token request; save() says so
            private_directory(path.parent)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def load(self) -> Token | None:
        if self._skip_load:
            return None
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                return None
            owner = (data.get("host"), data.get("client_id"), data.get("secret_check"))
            if owner != (self._host, self._client_id, self._secret_check):
                return None
            access_token, token_type = data["access_token"], data["token_type"]
            expires_in, expires_at = data["expires_in"], data["expires_at"]
            if not (isinstance(access_token, str) and access_token and isinstance(token_type, str)):
                return None
            if not isinstance(expires_in, (int, float)) or not isinstance(expires_at, (int, float)):
                return None
        except (OSError, ValueError, KeyError):
            return None
        if float(expires_at) - EXPIRY_MARGIN_SECONDS <= time.time():
            return None
        from piwik_pro import Token

        return Token(
            access_token=access_token, token_type=token_type, expires_in=int(expires_in), expires_at=float(expires_at)
        )

    def save(self, token: Token) -> None:
        payload = {
            "host": self._host,
            "client_id": self._client_id,
            "secret_check": self._secret_check,
            "token_type": token.token_type,
            "access_token": token.access_token,
            "expires_in": token.expires_in,
            "expires_at": float(token.expires_at),
        }
        try:
            self._write(payload)
        except OSError as exc:
            # A cache we cannot write costs a token request next time; it must not fail the command.
            sys.stderr.write(f"piwik-pro: warning: cannot write token cache {self.path}: {exc.strerror}\n")

    @contextlib.contextmanager
    def lock(self, timeout: float | None) -> Iterator[None]:
        """Held across processes while one of them fetches a token (TimeoutError if not got in time)."""
        lock_file = self.path.parent.parent / "locks" / (self.path.stem + ".lock")
        try:
            private_directory(lock_file.parent)
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            fd = None  # no lock without a writable cache: fetch unlocked, as before
        if fd is None:
            yield
            return
        try:
            _acquire(fd, timeout)
            try:
                yield
            finally:
                _release(fd)
        finally:
            os.close(fd)

    def _write(self, payload: dict[str, Any]) -> None:
        directory = self.path.parent
        private_directory(directory)
        # mkstemp creates the file 0600; the rename makes the new file appear whole or not at all.
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".token-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def private_directory(directory: Path) -> None:
    """Create `directory` with mode 0700, or tighten it to 0700; refuse one another user owns."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not hasattr(os, "geteuid"):  # Windows: the profile directory's ACLs protect it
        return
    info = os.stat(directory)
    if info.st_uid != os.geteuid():
        raise UsageError(
            f"token cache directory {directory} belongs to another user (uid {info.st_uid}); remove it, "
            "set XDG_CACHE_HOME to a directory of your own, or pass --no-cache"
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(directory, 0o700)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, timeout: float | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while not _try_lock(fd):
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError(f"token cache lock not got within {timeout}s")
        time.sleep(LOCK_POLL_SECONDS)

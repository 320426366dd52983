"""The on-disk token cache: successive CLI runs reuse one token until it expires.

One file per (host, client id), so profiles never share a token. The file is
written atomically with mode 0600 in a 0700 directory; a corrupt, foreign or
expired file reads as "no token" and is replaced by the next save.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piwik_pro import Token

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

    def _write(self, payload: dict[str, Any]) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
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

"""Where credentials come from: flags, then the environment, then a named profile.

The config file (``$XDG_CONFIG_HOME/piwik-pro/config.toml``) holds profiles::

    [profiles.default]
    host = "https://example.piwik.pro"
    client_id = "..."
    client_secret_file = "~/.config/piwik-pro/example.secret"

The secret itself never sits in the config file or on the command line (both
end up in shell history, backups and screen shares): it comes from
PIWIK_PRO_CLIENT_SECRET or from a file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import UsageError

ENV_HOST = "PIWIK_PRO_HOST"
ENV_CLIENT_ID = "PIWIK_PRO_CLIENT_ID"
ENV_CLIENT_SECRET = "PIWIK_PRO_CLIENT_SECRET"
ENV_PROFILE = "PIWIK_PRO_PROFILE"
DEFAULT_PROFILE = "default"
PROFILE_KEYS = frozenset({"host", "client_id", "client_secret_file"})


def _user_dir(xdg_var: str, windows_var: str, fallback: str) -> Path:
    value = os.environ.get(xdg_var)
    if value and os.path.isabs(value):
        return Path(value) / "piwik-pro"
    if sys.platform == "win32" and os.environ.get(windows_var):
        return Path(os.environ[windows_var]) / "piwik-pro"
    return Path.home() / fallback / "piwik-pro"


def config_dir() -> Path:
    return _user_dir("XDG_CONFIG_HOME", "APPDATA", ".config")


def cache_dir() -> Path:
    return _user_dir("XDG_CACHE_HOME", "LOCALAPPDATA", ".cache")


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(frozen=True)
class Credentials:
    """Resolved credentials; `client_secret` is excluded from the repr."""

    host: str
    client_id: str | None
    client_secret: str | None = field(repr=False)
    profile: str | None
    # Where each value came from, for error messages ("host from --host").
    sources: dict[str, str] = field(default_factory=dict)


def _load_profiles(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise UsageError(
                f"reading profiles from {path} needs Python 3.11+ or `pip install tomli`; "
                "or use the PIWIK_PRO_* environment variables"
            ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise UsageError(f"config file {path}: `profiles` must be a table like [profiles.NAME]")
    return profiles


def _profile(name: str, explicit: bool) -> dict[str, str]:
    path = config_path()
    profiles = _load_profiles(path)
    if name not in profiles:
        if not explicit:
            return {}
        known = ", ".join(sorted(profiles)) or "none"
        raise UsageError(
            f"profile {name!r} not found in {path} (profiles there: {known}); add a [profiles.{name}] table"
        )
    section = profiles[name]
    if not isinstance(section, dict):
        raise UsageError(f"config file {path}: [profiles.{name}] must be a table")
    if "client_secret" in section:
        raise UsageError(
            f"profile {name!r} in {path} has client_secret: put the secret in a file with mode 0600 "
            "and set client_secret_file to its path instead"
        )
    unknown = sorted(set(section) - PROFILE_KEYS)
    if unknown:
        raise UsageError(
            f"profile {name!r} in {path} has unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(PROFILE_KEYS))}"
        )
    for key, value in section.items():
        if not isinstance(value, str):
            raise UsageError(f"profile {name!r} in {path}: {key} must be a string")
    return dict(section)


def _read_secret_file(path_text: str, origin: str) -> str:
    path = Path(path_text).expanduser()
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise UsageError(f"client secret file {path} (from {origin}) does not exist") from None
    except OSError as exc:
        raise UsageError(f"cannot read client secret file {path} (from {origin}): {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"client secret file {path} (from {origin}) is not UTF-8 text") from None
    if not secret:
        raise UsageError(f"client secret file {path} (from {origin}) is empty")
    return secret


def resolve(
    *,
    host: str | None,
    client_id: str | None,
    client_secret_file: str | None,
    profile: str | None,
    need_secret: bool = True,
) -> Credentials:
    """Pick each value from flags, then environment, then the profile."""
    explicit = profile is not None or bool(os.environ.get(ENV_PROFILE))
    profile_name = profile or os.environ.get(ENV_PROFILE) or DEFAULT_PROFILE
    section = _profile(profile_name, explicit)
    where = f"profile {profile_name!r}"
    sources: dict[str, str] = {}

    def pick(flag_value: str | None, flag: str, env: str, key: str) -> str | None:
        if flag_value:
            sources[key] = flag
            return flag_value
        if os.environ.get(env):
            sources[key] = env
            return os.environ[env]
        if section.get(key):
            sources[key] = where
            return section[key]
        return None

    resolved_host = pick(host, "--host", ENV_HOST, "host")
    resolved_id = pick(client_id, "--client-id", ENV_CLIENT_ID, "client_id")
    secret: str | None = None
    if client_secret_file:
        secret, sources["client_secret"] = _read_secret_file(client_secret_file, "--client-secret-file"), "file"
    elif os.environ.get(ENV_CLIENT_SECRET):
        secret, sources["client_secret"] = os.environ[ENV_CLIENT_SECRET], ENV_CLIENT_SECRET
    elif section.get("client_secret_file"):
        secret = _read_secret_file(section["client_secret_file"], f"{where} client_secret_file")
        sources["client_secret"] = where

    if not resolved_host:
        raise UsageError(
            f"no Piwik PRO host: pass --host https://ACCOUNT.piwik.pro, set {ENV_HOST}, "
            f"or add host to a profile in {config_path()}"
        )
    if need_secret and not resolved_id:
        raise UsageError(f"no client id: pass --client-id, set {ENV_CLIENT_ID}, or add client_id to a profile")
    if need_secret and not secret:
        raise UsageError(
            f"no client secret: set {ENV_CLIENT_SECRET}, pass --client-secret-file PATH, "
            "or add client_secret_file to a profile"
        )
    return Credentials(
        host=resolved_host,
        client_id=resolved_id,
        client_secret=secret,
        profile=profile_name if section else None,
        sources=sources,
    )

"""Credentials: flags > environment > profile; the secret only from the environment or a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from piwik_pro.cli._config import resolve
from piwik_pro.cli._errors import UsageError
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from ._helpers import Run

ENV = ("PIWIK_PRO_HOST", "PIWIK_PRO_CLIENT_ID", "PIWIK_PRO_CLIENT_SECRET", "PIWIK_PRO_PROFILE")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    secret = tmp_path / "profile.secret"
    secret.write_text("profile-secret\n")
    path = tmp_path / "config" / "piwik-pro" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        f'[profiles.default]\nhost = "https://default.example"\nclient_id = "default-id"\nclient_secret_file = "{secret}"\n'
        f'[profiles.work]\nhost = "https://work.example"\nclient_id = "work-id"\nclient_secret_file = "{secret}"\n'
    )
    return path


def _resolve(**kw: str | None) -> tuple[str, str | None, str | None, str | None]:
    args: dict[str, str | None] = {"host": None, "client_id": None, "client_secret_file": None, "profile": None}
    args.update(kw)
    c = resolve(**args)  # type: ignore[arg-type]
    return c.host, c.client_id, c.client_secret, c.profile


def test_profile_then_env_then_flags(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _resolve() == ("https://default.example", "default-id", "profile-secret", "default")
    assert _resolve(profile="work") == ("https://work.example", "work-id", "profile-secret", "work")

    monkeypatch.setenv("PIWIK_PRO_HOST", "https://env.example")
    monkeypatch.setenv("PIWIK_PRO_CLIENT_SECRET", "env-secret")
    assert _resolve(profile="work") == ("https://env.example", "work-id", "env-secret", "work")

    flag_secret = tmp_path / "flag.secret"
    flag_secret.write_text("flag-secret")
    got = _resolve(
        profile="work", host="https://flag.example", client_id="flag-id", client_secret_file=str(flag_secret)
    )
    assert got == ("https://flag.example", "flag-id", "flag-secret", "work")

    monkeypatch.setenv("PIWIK_PRO_PROFILE", "work")
    monkeypatch.delenv("PIWIK_PRO_HOST")
    assert _resolve()[0] == "https://work.example"


def test_config_mistakes_are_usage_errors_naming_the_fix(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match=r"profile .nope. not found .*profiles there: default, work"):
        _resolve(profile="nope")
    config.write_text('[profiles.default]\nhost = "https://x.example"\nclient_id = "id"\nclient_secret = "inline"\n')
    with pytest.raises(UsageError, match="client_secret_file") as exc:
        _resolve()
    assert "inline" not in str(exc.value)
    config.write_text(
        '[profiles.default]\nhost = "https://x.example"\nclient_id = "id"\nclient_secret_file = "/nope"\n'
    )
    with pytest.raises(UsageError, match=r"secret file /nope .* does not exist"):
        _resolve()
    config.write_text("[profiles.default\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        _resolve()
    config.unlink()
    with pytest.raises(UsageError, match="no Piwik PRO host: pass --host"):
        _resolve()


def test_profile_from_the_config_file_drives_the_cli(
    run: Run, sandbox: Sandbox, cli_env: dict[str, str], tmp_path: Path
) -> None:
    secret = tmp_path / "sandbox.secret"
    secret.write_text(DEMO_CLIENT_SECRET + "\n")
    config = Path(cli_env["XDG_CONFIG_HOME"]) / "piwik-pro" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[profiles.sandbox]\nhost = "{sandbox.url}"\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret_file = "{secret}"\n'
        '[profiles.broken]\nhost = "http://127.0.0.1:9"\nclient_id = "x"\n'
        f'client_secret_file = "{secret}"\n'
    )
    no_env = {"PIWIK_PRO_HOST": None, "PIWIK_PRO_CLIENT_ID": None, "PIWIK_PRO_CLIENT_SECRET": None}
    assert run("--profile", "sandbox", "token", env=no_env).code == 0
    # The environment beats the profile: a broken profile works when env points at the sandbox.
    assert run("token", "--profile", "broken").code == 0
    # A flag beats the environment.
    assert run("token", "--host", "http://127.0.0.1:9", "--no-cache").code == 3
    assert sandbox.tokens_issued == 1  # the first token was cached and reused by the second run

"""Install Newman (pinned, with npm) into the tools folder, as the contract tests install Prism."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

NEWMAN_PACKAGE = "newman"
# 6.2.2 runs on Node >= 16 (the machines have Node 20).
NEWMAN_VERSION = "6.2.2"

ROOT = Path(__file__).resolve().parents[2]
NPM_INSTALL_TIMEOUT = 300


class NewmanError(RuntimeError):
    """Newman could not be installed; the message says why and what to do."""


def tools_dir() -> Path:
    return Path(os.environ.get("PIWIK_PRO_TOOLS_DIR") or ROOT / ".tools")


def _installed_version(prefix: Path) -> str | None:
    try:
        return str(json.loads((prefix / "node_modules" / "newman" / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def newman_bin(prefix: Path) -> Path:
    return prefix / "node_modules" / ".bin" / "newman"


def ensure_newman(prefix: Path | None = None) -> Path:
    """The newman executable, installing NEWMAN_VERSION into `prefix` first if needed.

    npm installs into a sibling folder renamed into place only on success, so a
    failed or interrupted install never leaves a half-populated `prefix`.
    """
    prefix = prefix or tools_dir() / "newman"
    if _installed_version(prefix) == NEWMAN_VERSION and newman_bin(prefix).exists():
        return newman_bin(prefix)
    npm = shutil.which("npm")
    if npm is None:
        raise NewmanError(
            f"npm is not on PATH: the Postman check needs Node.js >= 16 and npm for newman@{NEWMAN_VERSION}"
        )
    prefix.parent.mkdir(parents=True, exist_ok=True)
    staging = prefix.with_name(f"{prefix.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "package.json").write_text(
        json.dumps({"private": True, "dependencies": {NEWMAN_PACKAGE: NEWMAN_VERSION}}, indent=2) + "\n"
    )
    cmd = [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(staging)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise NewmanError(
            f"`npm install {NEWMAN_PACKAGE}@{NEWMAN_VERSION}` took over {NPM_INSTALL_TIMEOUT}s: is the npm registry reachable?"
        ) from exc
    if proc.returncode != 0 or _installed_version(staging) != NEWMAN_VERSION:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise NewmanError(
            f"`npm install {NEWMAN_PACKAGE}@{NEWMAN_VERSION}` into {prefix} failed (exit {proc.returncode}). "
            "It needs the npm registry (or a mirror in ~/.npmrc), or PIWIK_PRO_TOOLS_DIR pointing at a folder "
            f"that holds newman/ with this version.\nnpm said:\n{tail}"
        )
    shutil.rmtree(prefix, ignore_errors=True)
    staging.rename(prefix)
    return newman_bin(prefix)

"""Pinned npm tools for the test sessions (Prism for `nox -s contract`, Newman for `nox -s postman`).

Each tool goes into its own folder under the tools folder (`.tools/`, or PIWIK_PRO_TOOLS_DIR).
npm installs into a sibling folder that is renamed into place only on success, so a
failed or interrupted install never leaves a half-populated folder behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NPM_INSTALL_TIMEOUT = 300


class ToolError(RuntimeError):
    """A tool could not be installed; the message says why and what to do."""


def tools_dir() -> Path:
    return Path(os.environ.get("PIWIK_PRO_TOOLS_DIR") or ROOT / ".tools")


@dataclass(frozen=True)
class NpmTool:
    package: str  # npm package name, e.g. "@stoplight/prism-cli"
    version: str  # exact version
    command: str  # the executable in node_modules/.bin
    folder: str  # folder name under the tools folder
    needs: str  # what it needs, for the error message ("Node.js >= 18 and npm")

    def binary(self, prefix: Path) -> Path:
        return prefix / "node_modules" / ".bin" / self.command

    def installed_version(self, prefix: Path) -> str | None:
        manifest = prefix.joinpath("node_modules", *self.package.split("/"), "package.json")
        try:
            return str(json.loads(manifest.read_text())["version"])
        except (OSError, ValueError, KeyError):
            return None

    def ensure(self, prefix: Path | None = None) -> Path:
        """The tool's executable, installing the pinned version into `prefix` first if needed."""
        prefix = prefix or tools_dir() / self.folder
        if self.installed_version(prefix) == self.version and self.binary(prefix).exists():
            return self.binary(prefix)
        pinned = f"{self.package}@{self.version}"
        npm = shutil.which("npm")
        if npm is None:
            raise ToolError(f"npm is not on PATH: {pinned} needs {self.needs}")
        prefix.parent.mkdir(parents=True, exist_ok=True)
        staging = prefix.with_name(f"{prefix.name}.partial-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_text(
            json.dumps({"private": True, "dependencies": {self.package: self.version}}, indent=2) + "\n"
        )
        cmd = [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(staging)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ToolError(
                f"`npm install {pinned}` took over {NPM_INSTALL_TIMEOUT}s: is the npm registry reachable from here?"
            ) from exc
        if proc.returncode != 0 or self.installed_version(staging) != self.version:
            shutil.rmtree(staging, ignore_errors=True)
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
            raise ToolError(
                f"`npm install {pinned}` into {prefix} failed (exit {proc.returncode}). It needs the npm registry "
                "(or an npm mirror set in ~/.npmrc), or a folder that already holds this version: set "
                f"PIWIK_PRO_TOOLS_DIR to it.\nnpm said:\n{tail}"
            )
        shutil.rmtree(prefix, ignore_errors=True)
        staging.rename(prefix)
        return self.binary(prefix)

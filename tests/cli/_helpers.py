"""Helpers for the CLI tests: run results, operations found by method and path, cache files."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The console script the package declares, installed next to this interpreter.
PIWIK_PRO = shutil.which("piwik-pro", path=str(Path(sys.executable).parent))


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def all(self) -> str:
        return self.out + self.err


Run = Callable[..., Result]


@dataclass
class Op:
    name: str  # qualified, e.g. users.get_user
    path_param: str | None  # the API's name of its (first) path parameter


def operation(method: str, path: str) -> Op:
    """The generated operation for METHOD PATH; names come from the index, so tests survive renames."""
    import piwik_pro

    def shape(p: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", p)

    for op in piwik_pro.operations():
        if op.method == method and shape(op.path) == shape(path):
            path_params = [p.name for p in op.parameters if p.location == "path"]
            return Op(op.qualified_name, path_params[0] if path_params else None)
    raise AssertionError(f"no generated operation for {method} {path}")


def cache_files(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["XDG_CACHE_HOME"]) / "piwik-pro" / "tokens").glob("*.json"))

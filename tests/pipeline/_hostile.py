"""Generate hostile fixture docs (tests/fixtures/docs/hostile/ or built in a test) through the whole pipeline."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from piwik_pro_spec import regenerate

from ._support import Run

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "docs" / "hostile"


def hostile(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HOSTILE / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def generate_docs(tmp: Path, docs: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str] | None = None) -> Run:
    """Run regenerate on {package: doc} into tmp/generated (its own sources.toml, lock and reports)."""
    folder = tmp / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['base_url = "http://127.0.0.1:9/unused/"']
    for package, doc in docs.items():
        (folder / f"{package}.json").write_text(json.dumps(doc), encoding="utf-8")
        lines += ["", f"[docs.{package}]", f'file = "{package}.json"', f'accessor = "{package}"']
    sources = tmp / "sources.toml"
    sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["--sources", str(sources), "--source", str(folder), "--output", str(tmp / "generated")]
    argv += ["--lock", str(tmp / "lock.json"), "--reports", str(tmp / "reports"), "--jobs", "1"]
    if capsys is None:  # e.g. in a module-scoped fixture
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = regenerate.main(argv)
        return Run(code, out.getvalue())
    capsys.readouterr()
    code = regenerate.main(argv)
    return Run(code, capsys.readouterr().out)

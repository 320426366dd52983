"""Fixture docs and a way to run openapi-python-client on a doc (shared by the spec-fix tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
GENERATOR_CONFIG = ROOT / "spec" / "generator.yaml"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


@dataclass
class Generated:
    returncode: int
    output: str
    root: Path  # the generated package

    @property
    def problems(self) -> list[str]:
        """Generator lines that say something was dropped or failed."""
        markers = ("WARNING", "Unable to", "Error", "error", "Failure", "Cannot")
        return [line for line in self.output.splitlines() if line.strip().startswith(markers)]

    def modules(self, part: str) -> set[str]:
        return {p.stem for p in (self.root / part).rglob("*.py") if p.stem != "__init__"}


def generate(doc: dict[str, Any], tmp: Path) -> Generated:
    """Run openapi-python-client 0.29 (this interpreter's) on `doc` into `tmp`, with the project's config."""
    spec = tmp / "doc.json"
    spec.write_text(json.dumps(doc))
    out = tmp / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec), "--meta", "none",
         "--output-path", str(out), "--overwrite", "--config", str(GENERATOR_CONFIG)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    return Generated(proc.returncode, proc.stdout + proc.stderr, out)


def load(gen: Generated, dotted: str) -> Any:
    """Import `dotted` (e.g. "api.default.get_user") from a generated package under a unique name."""
    import importlib
    import importlib.util

    package = f"_fixture_{abs(hash(str(gen.root)))}"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, gen.root / "__init__.py", submodule_search_locations=[str(gen.root)]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{dotted}")


class StubClient:
    """What a generated parser needs from a client: unexpected statuses raise."""

    raise_on_unexpected_status = True

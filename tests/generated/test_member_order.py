"""Union member order decides nothing: with every anyOf/oneOf of every doc reversed, or rotated by one,
every response and request-body example still round-trips exactly.

For each order a variation of PIWIK_PRO_DOCS_SOURCE is written to a temp folder (never committed), the
docs whose unions it changed are regenerated into a temp package, and `_roundtrip` checks every example
of those docs against that package in a subprocess. Both orders build in parallel, once per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.variations import build_variation

ROOT = Path(__file__).resolve().parents[2]
ORDERS = ("reversed", "rotated")
pytestmark = pytest.mark.timeout(600)


def _changed_packages(written: dict[str, int]) -> list[str]:
    from piwik_pro_spec.sources import load_sources

    return [s.package for s in load_sources() if any(written.get(f) for f in (s.file, *s.former))]


@pytest.fixture(scope="session")
def reordered(docs_source: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, list[str]]]:
    """{order: (docs folder, generated root, packages regenerated)}."""
    if docs_source.startswith(("http://", "https://")):
        pytest.skip("member-order variations are built from a docs folder")
    built: dict[str, tuple[Path, Path, list[str]]] = {}
    runs: list[tuple[str, subprocess.Popen[str]]] = []
    for order in ORDERS:
        base = tmp_path_factory.mktemp(f"order-{order}")
        docs, out = base / "docs", base / "out"
        packages = _changed_packages(build_variation(Path(docs_source), docs, order=order))
        built[order] = (docs, out, packages)
        if not packages:
            continue
        lock = base / "lock.json"
        lock.write_bytes((ROOT / "spec" / "lock.json").read_bytes())
        cmd = [sys.executable, "-m", "piwik_pro_spec.regenerate", "--source", str(docs), "--output", str(out)]
        cmd += ["--lock", str(lock), "--reports", str(base / "reports"), "--force", "--jobs", "1", "--only"]
        runs.append((order, subprocess.Popen([*cmd, *packages], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
    for order, process in runs:
        output, _ = process.communicate(timeout=560)
        assert process.returncode in (0, 2), f"regenerate ({order} member order) failed:\n{output[-3000:]}"
    return built


def _check(docs: Path, out: Path, packages: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(out), str(ROOT)])}
    run = subprocess.run(
        [sys.executable, "-m", "tests.generated._roundtrip", str(docs), *packages],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("order", ORDERS)
def test_every_example_round_trips_whatever_the_member_order(
    order: str, reordered: dict[str, tuple[Path, Path, list[str]]]
) -> None:
    docs, out, packages = reordered[order]
    if not packages:
        pytest.skip(f"no union in this release has more than one member ({order} changes nothing)")
    result = _check(docs, out, packages)
    (responses, response_failures), (requests, request_failures) = result["response"], result["request"]
    assert responses + requests > 0, "the reordered docs hold no JSON example"
    failures = response_failures + request_failures
    assert not failures, (
        f"{len(failures)} of {responses + requests} examples do not round-trip with union members {order}:\n"
        + "\n".join(failures[:20])
    )

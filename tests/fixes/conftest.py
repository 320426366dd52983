"""Generate every fixture doc, raw and fixed, once per session (in parallel: the generator is slow to start)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from piwik_pro_spec.fixes import apply_fixes

from ._support import Generated, fixture, fixture_names, generate


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Generated]:
    """{(fixture name, "raw" | "fixed"): what openapi-python-client made of it}."""
    jobs: list[tuple[tuple[str, str], dict, Path]] = []
    for name in fixture_names():
        for kind in ("raw", "fixed"):
            doc = fixture(name) if kind == "raw" else apply_fixes("fixture", fixture(name)).doc
            jobs.append(((name, kind), doc, tmp_path_factory.mktemp(f"{name}-{kind}")))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda job: (job[0], generate(job[1], job[2])), jobs)
        return dict(results)

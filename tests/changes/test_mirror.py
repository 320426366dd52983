"""The change report on the real mirror: 2024-01 -> 2025-01, as issue #6 lists it.

Needs PIWIK_PRO_DOCS_SOURCE (a mirror release folder: its parent holds both
releases) or, when it is a URL, ../shared/piwik-pro-api-docs from the repo root.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from piwik_pro_spec.changes import ChangeReport, compare
from piwik_pro_spec.fixes import apply_fixes
from piwik_pro_spec.lock import build_lock, doc_entry, dumps_lock, spec_version, write_lock
from piwik_pro_spec.sources import load_sources

from ..conftest import ROOT
from .test_lock import assert_naming_matches_generator

RELEASES = ("2024-01", "2025-01")
PIPELINE = {"generator": "openapi-python-client 0.29.1", "fingerprint": "0" * 64}
PROSE_KEYS = {"description", "summary", "title", "example", "examples", "x-example"}


@pytest.fixture(scope="module")
def mirror(docs_source: str) -> Path:
    candidates = [] if docs_source.startswith(("http://", "https://")) else [Path(docs_source).parent]
    candidates.append(ROOT.parent / "shared" / "piwik-pro-api-docs")
    for root in candidates:
        if all((root / release).is_dir() for release in RELEASES):
            return root
    pytest.skip(f"no mirror with both {' and '.join(RELEASES)} at {' or '.join(map(str, candidates))}")


def _lock(folder: Path) -> dict[str, Any]:
    entries = {}
    for source in load_sources():
        path = folder / source.file
        if path.exists():
            raw = path.read_bytes()
            fixed = apply_fixes(source.package, json.loads(raw)).doc
            entries[source.package] = doc_entry(source.package, source.file, raw, fixed)
    return build_lock(entries, PIPELINE)


@pytest.fixture(scope="module")
def locks(mirror: Path) -> dict[str, dict[str, Any]]:
    return {release: _lock(mirror / release) for release in RELEASES}


@pytest.fixture(scope="module")
def report(locks: dict[str, dict[str, Any]]) -> ChangeReport:
    return compare(locks["2024-01"], locks["2025-01"])


def _of(report: ChangeReport, doc: str, kind: str) -> list[Any]:
    return [c for c in report.changes if c.doc == doc and c.kind == kind]


def test_two_docs_added_none_removed(report: ChangeReport) -> None:
    added = {c.doc for c in report.changes if c.kind == "doc-added"}
    assert added == {"cdp_webhooks", "cdp_log"}
    assert not [c for c in report.changes if c.kind == "doc-removed"] and report.removed_docs == []


def test_cdp_activation_endpoints_moved(report: ChangeReport) -> None:
    """Each old endpoint is gone: removed, or (when the fixes give old and new the same name) moved; breaking."""
    old_paths = [c for c in report.changes if c.doc == "cdp_activations" and "/api/cdp/activations/v1/" in c.message]
    kinds = {c.kind for c in old_paths}
    assert kinds <= {"operation-removed", "operation-moved"}, report.to_text()
    assert len(old_paths) == 7 and all(c.breaking for c in old_paths)
    new_paths = [
        c
        for c in report.changes
        if c.doc == "cdp_activations"
        and c.kind in ("operation-added", "operation-moved")
        and "/api/cdp/settings/v1/app/{app_id}/activation" in c.message
    ]
    assert len(new_paths) == 7
    assert not any(c.breaking for c in new_paths if c.kind == "operation-added")
    # moved ones say why they break: the new path needs the app
    for moved in (c for c in new_paths if c.kind == "operation-moved"):
        assert any(
            c.operation == moved.operation and c.kind == "parameter-added" and "`app_id`" in c.message and c.breaking
            for c in report.changes
        )


def test_tag_manager_tags_app_id_rename_is_breaking(report: ChangeReport) -> None:
    renames = [
        c for c in _of(report, "tag_manager_tags", "parameter-renamed") if "`appId` renamed to `app_id`" in c.message
    ]
    assert renames, report.to_text()
    assert all(c.breaking for c in renames)
    assert len({c.operation for c in renames}) == len(renames)  # one per operation (get, update, delete a tag)


def test_analytics_gained_real_time_endpoints(report: ChangeReport) -> None:
    added = [c for c in _of(report, "analytics", "operation-added")]
    paths = {c.message.rsplit("(", 1)[1].rstrip(")") for c in added}
    assert paths == {"POST /api/analytics/v1/real-time-query/", "POST /api/analytics/v1/real-time-events/"}
    assert not any(c.breaking for c in added)


def test_every_format_carries_the_report(report: ChangeReport) -> None:
    payload = json.loads(report.to_json())
    assert payload["has_breaking"] is True and len(payload["changes"]) == len(report.changes)
    markdown = report.to_markdown()
    assert markdown.index("### Breaking changes") < markdown.index("### Other changes")
    assert "**`cdp_log`**" in markdown and "`appId` renamed to `app_id`" in markdown
    assert "BREAKING" in report.to_text()


def test_same_docs_twice_report_no_changes(mirror: Path, locks: dict[str, dict[str, Any]]) -> None:
    again = compare(locks["2025-01"], _lock(mirror / "2025-01"))
    assert again.is_empty
    assert again.to_text().startswith("No changes")


def _strings(node: Any, out: set[str], prose: set[str] | None = None, in_prose: bool = False) -> None:
    """All strings of a JSON tree; with `prose`, strings under prose keys go there instead."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):  # property names are facts, even "description"
                out.update(value)
                for sub in value.values():
                    _strings(sub, out, prose, in_prose)
                continue
            if not in_prose:
                out.add(key)
            _strings(value, out, prose, in_prose or (prose is not None and key in PROSE_KEYS))
    elif isinstance(node, list):
        for item in node:
            _strings(item, out, prose, in_prose)
    elif isinstance(node, str):
        (prose if in_prose and prose is not None else out).add(node)


def test_lock_holds_no_prose(mirror: Path, locks: dict[str, dict[str, Any]]) -> None:
    """No description, summary, title or example text of the docs is in the lock (unless it is also a name)."""
    for release in RELEASES:
        facts: set[str] = set()
        prose: set[str] = set()
        for path in (mirror / release).glob("*.json"):
            _strings(json.loads(path.read_bytes()), facts, prose)
        prose_only = prose - facts
        assert len(prose_only) > 1000  # the docs do have prose: the check checks something
        in_lock: set[str] = set()
        _strings(locks[release], in_lock)
        assert not in_lock & prose_only


def test_naming_matches_the_generator_on_every_doc(mirror: Path) -> None:
    names: set[str] = set()
    paths: set[tuple[str, str]] = set()
    for release in RELEASES:
        for file in (mirror / release).glob("*.json"):
            raw = file.read_bytes()
            doc = json.loads(raw)
            declared = doc.get("swagger") or doc.get("openapi")
            assert spec_version(raw) == ("swagger " if "swagger" in doc else "openapi ") + str(declared)
            for path, item in doc.get("paths", {}).items():
                for method, op in item.items():
                    if method == "parameters" or not isinstance(op, dict):
                        continue
                    paths.add((method, path))
                    names.update(str(t) for t in op.get("tags") or [])
                    if op.get("operationId"):
                        names.add(str(op["operationId"]))
                    names.update(str(p.get("name")) for p in op.get("parameters") or [] if "name" in p)
    assert len(names) > 200 and len(paths) > 150
    assert_naming_matches_generator(sorted(names), sorted(paths))


def test_lock_size_stays_reviewable(locks: dict[str, dict[str, Any]]) -> None:
    text = dumps_lock(locks["2025-01"])
    assert max(len(line) for line in text.splitlines()) <= 320
    assert len(text.splitlines()) < 20_000


@pytest.mark.timeout(300)
def test_regenerate_check_exit_codes(mirror: Path, locks: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """`regenerate --check` exits 0 on the lock of the same docs, 1 on an older lock, and writes nothing else."""
    generate = pytest.importorskip("piwik_pro_spec.generate")
    if not hasattr(generate, "pipeline_fingerprint"):
        pytest.skip("the regenerate pipeline has not landed")
    pipeline = {
        "generator": f"{generate.GENERATOR} {generate.GENERATOR_VERSION}",
        "fingerprint": generate.pipeline_fingerprint(),
    }
    source = mirror / "2025-01"
    for release, expected in (("2025-01", 0), ("2024-01", 1)):
        lock_path = tmp_path / f"lock-{release}.json"
        write_lock(lock_path, build_lock(locks[release]["docs"], pipeline))
        before = lock_path.read_bytes()
        env = {**os.environ, "PIWIK_PRO_DOCS_SOURCE": str(source)}
        cmd = [sys.executable, "-m", "piwik_pro_spec.regenerate", "--check", "--source", str(source)]
        cmd += ["--lock", str(lock_path), "--output", str(tmp_path / "out"), "--reports", str(tmp_path / "reports")]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        assert result.returncode == expected, (result.stdout + result.stderr)[-4000:]
        assert lock_path.read_bytes() == before
        assert not (tmp_path / "out" / "piwik_pro_api").exists()
        if expected:
            assert "`appId` renamed to `app_id`" in result.stdout
            assert "`appId` renamed to `app_id`" in (tmp_path / "reports" / "changes.md").read_text(encoding="utf-8")
        else:
            assert "No changes" in result.stdout

"""Regenerate under attack: an interrupted swap, docs that fan out or nest too deep, a formatter failure.

Fixture docs are built in the test code (they would be large as files); runs use temp dirs only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._support import FIXTURE_SOURCES, Workspace, run_python, tree_digest

pytestmark = pytest.mark.timeout(300)

# Runs regenerate, dying (like kill -9) between the two renames of the output swap.
_CRASH_BETWEEN_RENAMES = r"""
import os, pathlib, sys
from piwik_pro_spec import regenerate

real_rename = pathlib.Path.rename

def rename(self, target):
    if self.name == "piwik_pro_api" and self.parent.name.startswith(".build-"):
        os._exit(9)  # the previous output is already moved aside, the new one not yet in place
    return real_rename(self, target)

pathlib.Path.rename = rename
sys.exit(regenerate.main(sys.argv[1:]))
"""


def _argv(ws: Workspace) -> list[str]:
    return [
        *("--sources", str(FIXTURE_SOURCES), "--source", str(ws.docs), "--output", str(ws.output)),
        *("--lock", str(ws.lock), "--reports", str(ws.reports), "--jobs", "1"),
    ]


def _lock_docs(ws: Workspace) -> list[str]:
    return sorted(json.loads(ws.lock.read_text())["docs"])


def _tree_docs(ws: Workspace) -> list[str]:
    return sorted(p.name for p in ws.package.iterdir() if (p / "__init__.py").is_file())


def test_crash_between_the_swap_renames_is_undone_by_the_next_run(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert workspace.run(capsys=capsys).code == 0
    before, lock_before = tree_digest(workspace.package), workspace.lock.read_bytes()
    doc = json.loads((workspace.docs / "notes_api.json").read_text())
    doc["paths"]["/api/notes/v2"]["get"]["summary"] = "List every note"
    (workspace.docs / "notes_api.json").write_text(json.dumps(doc))

    crashed = run_python(_CRASH_BETWEEN_RENAMES.replace("sys.argv[1:]", repr(_argv(workspace))))
    assert crashed.returncode == 9, crashed.stdout + crashed.stderr
    assert not workspace.package.exists()  # reproduced: the output is gone, the old tree waits in the build dir
    assert [p.name for p in workspace.output.glob(".build-*/previous")] == ["previous"]

    # The next run (here one that regenerates nothing) puts the previous output back, whole.
    run = workspace.run("--only", "gadgets", capsys=capsys)
    assert run.code == 0, run.out
    assert "Restored" in run.out
    assert tree_digest(workspace.package) == before
    assert workspace.lock.read_bytes() == lock_before
    assert not list(workspace.output.glob(".build-*"))
    # And a full run then finishes the interrupted work: lock and tree agree.
    assert workspace.run(capsys=capsys).code == 0
    assert "List every note" in (workspace.package / "_index.py").read_text()
    assert _lock_docs(workspace) == _tree_docs(workspace) == ["gadgets", "notes"]


def test_only_run_over_an_incomplete_tree_rebuilds_what_the_lock_lists(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    assert workspace.run(capsys=capsys).code == 0
    before = tree_digest(workspace.package)
    shutil.rmtree(workspace.package)  # lost, as an interrupted swap used to leave it
    run = workspace.run("--only", "gadgets", capsys=capsys)
    assert run.code == 0, run.out
    assert "lacks notes: regenerating them too" in run.out
    assert _lock_docs(workspace) == _tree_docs(workspace) == ["gadgets", "notes"]
    assert tree_digest(workspace.package) == before


def fan_out_doc(width: int, levels: int) -> dict[str, Any]:
    """A body schema with `width` properties per level, each a $ref to the next level: width**levels fields."""
    schemas: dict[str, Any] = {f"Level{levels}": {"type": "string"}}
    for level in range(levels - 1, -1, -1):
        child = {"$ref": f"#/components/schemas/Level{level + 1}"}
        schemas[f"Level{level}"] = {"type": "object", "properties": {f"p{i}": child for i in range(width)}}
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Level0"}}}}
    operation = {"operationId": "update_notes", "requestBody": body, "responses": {"204": {"description": "done"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Notes API", "version": "1"},
        "paths": {"/api/notes/v2": {"patch": operation}},
        "components": {"schemas": schemas},
    }


def test_doc_whose_refs_fan_out_fails_fast_naming_the_doc_and_schema(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert workspace.run(capsys=capsys).code == 0
    before = tree_digest(workspace.package), workspace.lock.read_bytes()
    doc = json.dumps(fan_out_doc(8, 10))
    assert len(doc) < 30_000  # small doc, 8**10 fields if expanded
    (workspace.docs / "notes_api.json").write_text(doc)
    run = workspace.run(capsys=capsys)
    assert run.code == 1, run.out[-2000:]
    assert (
        "regenerate FAILED: notes (notes_api.json): PATCH /api/notes/v2: schema #/components/schemas/Level0" in run.out
    )
    assert "more than 5000 fields" in run.out
    assert (tree_digest(workspace.package), workspace.lock.read_bytes()) == before


def test_json_nested_too_deep_is_one_clear_error_naming_the_doc(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert workspace.run(capsys=capsys).code == 0
    deep = '{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "x-deep": '
    (workspace.docs / "notes_api.json").write_text(deep + "[" * 100_000 + "]" * 100_000 + "}")
    run = workspace.run(capsys=capsys)
    assert run.code == 1
    assert "regenerate FAILED: notes (notes_api.json): JSON nested too deep" in run.out
    (workspace.docs / "notes_api.json").write_text(deep + "[" * 900 + "]" * 900 + "}")  # parses, still too deep
    run = workspace.run(capsys=capsys)
    assert run.code == 1
    assert "regenerate FAILED: notes (notes_api.json): JSON nested 901 levels deep; at most 200" in run.out
    assert "Traceback" not in run.out


def test_formatter_failure_shows_ruffs_own_message(tmp_path: Path) -> None:
    from piwik_pro_spec import regenerate

    broken = tmp_path / "broken_enum.py"
    broken.write_text("class E:\n    A-B = 'a-b'\n")
    with pytest.raises(regenerate.RegenerateError) as caught:
        regenerate._format([broken])
    message = str(caught.value)
    assert message.startswith("ruff failed on the generated code:")
    assert "broken_enum.py" in message and "2:" in message  # ruff's parse error: file, line

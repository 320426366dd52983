"""`--save-docs DIR` keeps the downloaded docs as a mirror that later runs read offline (`--source DIR`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._support import Workspace, tree_digest


def test_saved_docs_are_a_mirror_for_offline_runs(
    workspace: Workspace, served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = tmp_path / "my-mirror"
    run = workspace.run("--save-docs", str(mirror), source=served, capsys=capsys)
    assert run.code == 0, run.out
    assert f"Saved 2 doc(s) to {mirror}" in run.out
    assert tree_digest(mirror) == tree_digest(workspace.docs)  # byte-identical, by published file name
    # Offline later: the mirror alone gives the same lock (no change) and output.
    before = tree_digest(workspace.package)
    again = workspace.run("--check", source=str(mirror), capsys=capsys)
    assert again.code == 0, again.out
    assert tree_digest(workspace.package) == before


def test_save_docs_into_an_unusable_folder_names_it(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = workspace.run("--save-docs", str(blocker / "mirror"), capsys=capsys)
    assert run.code == 1
    assert f"--save-docs {blocker / 'mirror'}: cannot create the folder" in run.out

"""A doc published under a file name sources.toml does not list is found by its paths (piwik_pro_spec.discover)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from piwik_pro_spec.discover import match_files, path_shape

from ._support import Workspace


def _doc(*paths: str) -> dict[str, object]:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {p: {} for p in paths}}


def _write(folder: Path, name: str, doc: object) -> None:
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")


def test_path_shapes_blank_placeholders_versions_case_and_trailing_slashes():
    assert path_shape("/api/Users/v2/{user_id}/") == "/api/users/v*/{}"
    assert path_shape("/api/users/v10/{id}/invite") == path_shape("/api/users/v1/{x}/invite")
    assert path_shape("/api/users/v2") != path_shape("/api/user-groups/v1")


@pytest.mark.parametrize("names", [("a.json", "b.json"), ("b.json", "a.json")])
def test_each_missing_doc_gets_the_file_that_shares_its_paths_whatever_the_names(
    tmp_path: Path, names: tuple[str, str]
):
    users, groups = names
    _write(tmp_path, users, _doc("/api/users/v3", "/api/users/v3/{id}", "/api/users/v3/invite"))
    _write(tmp_path, groups, _doc("/api/user-groups/v2", "/api/user-groups/v2/{id}"))
    _write(tmp_path, "claimed.json", _doc("/api/users/v2", "/api/users/v2/{id}"))  # another doc's file
    (tmp_path / "index.json").write_text("[1, 2]")  # not a doc
    reference = {
        "users": {"/api/users/v*", "/api/users/v*/{}", "/api/users/v*/invite", "/api/users/v*/me"},
        "user_groups": {"/api/user-groups/v*", "/api/user-groups/v*/{}"},
    }
    found = match_files(tmp_path, ["users", "user_groups"], {"claimed.json"}, reference)
    assert found == {"users": users, "user_groups": groups}


def test_no_match_below_the_share_or_on_a_tie(tmp_path: Path):
    _write(tmp_path, "one.json", _doc("/api/tag/v1/{app}/tags"))
    _write(tmp_path, "two.json", _doc("/api/tag/v1/{app}/tags"))  # as good as one.json: a tie
    _write(tmp_path, "far.json", _doc("/api/other/v1", "/api/tag/v1/{app}/triggers"))
    reference = {"tags": {"/api/tag/v*/{}/tags"}, "triggers": {"/api/tag/v*/{}/triggers", "/a", "/b", "/c", "/d"}}
    assert match_files(tmp_path, ["tags", "triggers"], set(), reference) == {}


def test_regenerate_reads_a_renamed_doc_as_its_package(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0  # the lock now knows the notes doc's paths
    (workspace.docs / "notes_api.json").rename(workspace.docs / "notes-2026.json")
    run = workspace.run("--force", capsys=capsys)
    assert run.code == 0, run.out
    assert "notes found as notes-2026.json, not notes_api.json" in run.out
    assert json.loads(workspace.lock.read_text())["docs"]["notes"]["file"] == "notes-2026.json"
    assert (workspace.package / "notes" / "__init__.py").is_file()
    report = json.loads((workspace.reports / "changes.json").read_text())
    assert any(c["kind"] == "doc-file-changed" for c in report["changes"]), report["changes"]


def test_without_a_reference_a_renamed_doc_is_missing_not_guessed(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
):
    (workspace.docs / "notes_api.json").rename(workspace.docs / "notes-2026.json")
    run = workspace.run(capsys=capsys)  # no lock, no output: nothing says which paths the notes doc has
    assert run.code == 0, run.out
    assert "found as" not in run.out and not (workspace.package / "notes").exists()


def test_the_sandbox_and_tests_load_a_renamed_real_doc_too(docs_source: str, tmp_path: Path):
    import warnings

    from piwik_pro_spec.docs import MissingDocsWarning, fetch_available

    if docs_source.startswith(("http://", "https://")):
        pytest.skip("a URL source cannot be listed; renamed docs are found in folder sources")
    original = Path(docs_source) / "platform_users_authorized_api.json"
    if not original.is_file():
        pytest.skip("this docs release has no users doc under its usual name")
    (tmp_path / "users-renamed.json").write_bytes(original.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingDocsWarning)  # found, so not reported missing
        raw, missing = fetch_available(str(tmp_path), only=["users"])
    assert missing == [] and raw["users"] == original.read_bytes()


def test_the_reference_is_read_only_when_a_doc_is_missing(tmp_path: Path):
    from piwik_pro_spec.discover import find_renamed
    from piwik_pro_spec.sources import DocSource

    def never() -> dict[str, set[str]]:
        raise AssertionError("the reference (a lock parse and an index import) was read with nothing missing")

    doc = DocSource(package="users", file="users.json", accessor="users", url="http://127.0.0.1:9/users.json")
    assert find_renamed([doc], str(tmp_path), {"users": b"{}"}, never) == {}
    assert find_renamed([doc], "http://127.0.0.1:9/", {"users": None}, never) == {}  # a URL cannot be listed

"""The regenerate pipeline on the project's own fixture docs (tests/fixtures/pipeline/).

Fast and self-contained: no real docs, temp output/lock/report dirs only.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
from pathlib import Path

import pytest

from ._support import Workspace, python_ok, tree_digest

pytestmark = pytest.mark.timeout(300)


# --- what a run produces ------------------------------------------------------


def test_generates_one_subpackage_per_doc_under_one_root(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    run = workspace.run(capsys=capsys)
    assert run.code == 0, run.out
    pkg = workspace.package
    assert sorted(p.name for p in pkg.iterdir() if p.is_dir()) == ["gadgets", "notes"]
    # Shared modules exist once, at the root; no per-doc copies.
    for shared in ("types.py", "errors.py", "_index.py", "__init__.py", "py.typed"):
        assert (pkg / shared).is_file(), shared
    for doc in ("gadgets", "notes"):
        assert not (pkg / doc / "types.py").exists()
        assert not (pkg / doc / "client.py").exists()
        assert not (pkg / doc / "errors.py").exists()
    # The progress shows one line per doc, and the report names what changed.
    assert "[1/2] gadgets" in run.out and "[2/2] notes" in run.out
    assert "gadgets" in (workspace.reports / "changes.md").read_text()
    assert json.loads((workspace.reports / "changes.json").read_text())
    assert workspace.lock.is_file()


def test_index_literals_follow_the_contract(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    out = python_ok(
        "import json; from piwik_pro_api._index import DOCS, OPERATIONS; print(json.dumps([DOCS, OPERATIONS]))",
        workspace.output,
    )
    docs, ops = json.loads(out)
    assert docs == {
        "gadgets": {"accessor": "gadgets", "file": "gadgets_api.json", "title": "Gadgets API"},
        "notes": {"accessor": "tools.notes", "file": "notes_api.json", "title": "Notes API"},
    }
    by_name = {op["name"]: op for op in ops}
    assert sorted(by_name) == sorted(
        ["list_gadgets", "create_gadget", "get_gadget", "delete_gadget", "list_notes", "update_notes"]
    )
    listing = by_name["list_gadgets"]
    assert listing["doc"] == "gadgets" and listing["accessor"] == "gadgets"
    assert listing["module"] == "piwik_pro_api.gadgets.api.gadgets.list_gadgets"
    assert (listing["method"], listing["path"], listing["summary"]) == ("GET", "/api/gadgets/v1", "List gadgets")
    assert listing["request_content_type"] is None
    assert listing["accept"] == "application/vnd.api+json"
    assert listing["parameters"][0] == {
        "name": "offset",
        "python_name": "offset",
        "in": "query",
        "required": False,
        "type": "int",
    }
    assert listing["body"] is None and listing["success_status"] == [200]
    assert listing["pagination"] == "offset_limit"
    create = by_name["create_gadget"]
    assert create["request_content_type"] == "application/vnd.api+json"
    assert create["body"]["model"] == "GadgetCreate"
    assert create["body"]["module"] == "piwik_pro_api.gadgets.models.gadget_create"
    assert create["body"]["required"] is True
    assert create["success_status"] == [201]
    assert by_name["get_gadget"]["parameters"][0]["in"] == "path"
    assert by_name["list_notes"]["accept"] == "application/json"
    assert by_name["list_notes"]["pagination"] == "offset_limit"
    assert by_name["update_notes"]["request_content_type"] == "application/json"


def test_endpoints_follow_the_client_contract(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    """sync/asyncio raise through piwik_pro._base.raise_for_status; headers come from the doc's media types."""
    assert workspace.run(capsys=capsys).code == 0
    code = r"""
import asyncio, inspect, json
import httpx
import piwik_pro._base as base
from piwik_pro_api._index import OPERATIONS
import importlib

seen = []
def handler(request):
    seen.append(dict(request.headers))
    if request.method == "GET":
        return httpx.Response(404, json={"errors": [{"status": "404", "title": "nope"}]},
                              headers={"content-type": "application/vnd.api+json"})
    return httpx.Response(201, json={"data": {"id": "1", "type": "gadget", "attributes": {"name": "x"}}},
                          headers={"content-type": "application/vnd.api+json"})

class Client:
    raise_on_unexpected_status = False
    def get_httpx_client(self): return httpx.Client(base_url="http://test", transport=httpx.MockTransport(handler))
    def get_async_httpx_client(self):
        async def ahandler(request): return handler(request)
        return httpx.AsyncClient(base_url="http://test", transport=httpx.MockTransport(ahandler))

assert isinstance(Client(), base.ClientLike)
for op in OPERATIONS:
    m = importlib.import_module(op["module"])
    for fn in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        f = getattr(m, fn)
        params = list(inspect.signature(f).parameters.values())
        assert all(p.kind is not p.POSITIONAL_OR_KEYWORD or p.name in [q["python_name"] for q in op["parameters"] if q["in"] == "path"] for p in params), (op["name"], fn)
        assert "client" in inspect.signature(f).parameters

calls = []
def recording_raise_for_status(response, success=None):
    calls.append(int(response.status_code))
    if response.status_code >= 400:
        raise RuntimeError(int(response.status_code))
base.raise_for_status = recording_raise_for_status  # generated sync()/asyncio() look it up at call time

get = importlib.import_module("piwik_pro_api.gadgets.api.gadgets.get_gadget")
detailed = get.sync_detailed("00000000-0000-0000-0000-000000000001", client=Client())
assert detailed.status_code == 404            # *_detailed never raises
try:
    get.sync("00000000-0000-0000-0000-000000000001", client=Client())
except RuntimeError as exc:
    print("raised", exc)
try:
    asyncio.run(get.asyncio("00000000-0000-0000-0000-000000000001", client=Client()))
except RuntimeError as exc:
    print("araised", exc)

create = importlib.import_module("piwik_pro_api.gadgets.api.gadgets.create_gadget")
from piwik_pro_api.gadgets.models import GadgetCreate
body = GadgetCreate.from_dict({"data": {"type": "gadget", "attributes": {"name": "x"}}})
made = create.sync(client=Client(), body=body)
print("parsed", type(made).__name__)
print("headers", json.dumps(seen[-1]))
notes = importlib.import_module("piwik_pro_api.notes.api.notes.list_notes")
print("notes", json.dumps(notes._get_kwargs(page_offset=10)))
print("calls", calls)
"""
    out = python_ok(code, workspace.output)
    assert "raised 404" in out and "araised 404" in out
    assert "parsed Gadget" in out
    headers = json.loads(out.split("headers ", 1)[1].splitlines()[0])
    assert headers["content-type"] == "application/vnd.api+json"
    assert headers["accept"] == "application/vnd.api+json"
    notes = json.loads(out.split("notes ", 1)[1].splitlines()[0])
    assert notes["headers"] == {"Accept": "application/json"}
    assert notes["params"] == {"page[offset]": 10}
    assert "calls [404, 404, 201]" in out


def test_fix_report_lists_every_fix(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    run = workspace.run(capsys=capsys)
    assert run.code == 0
    report = (workspace.reports / "fix-report.txt").read_text()
    # notes_api.json declares `type: bool`; the invalid-types rule repairs it.
    assert "notes: [invalid-types]" in report
    assert "invalid-types x1" in run.out


# --- determinism and incremental runs ------------------------------------------


def test_same_docs_give_byte_identical_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    first = Workspace(tmp_path, tmp_path / "d", tmp_path / "a", tmp_path / "a.lock", tmp_path / "ra")
    second = Workspace(tmp_path, tmp_path / "d", tmp_path / "b", tmp_path / "b.lock", tmp_path / "rb")
    import shutil

    from ._support import FIXTURE_SOURCES, FIXTURES, run_cli

    shutil.copytree(FIXTURES / "docs", first.docs)
    assert first.run(capsys=capsys).code == 0
    # Second run: another interpreter, another hash seed, the parallel path.
    proc = run_cli(
        *("--sources", str(FIXTURE_SOURCES), "--source", str(second.docs), "--output", str(second.output)),
        *("--lock", str(second.lock), "--reports", str(second.reports), "--jobs", "2"),
        seed="4242",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    a, b = tree_digest(first.package), tree_digest(second.package)
    assert a == b
    assert len(a) > 20
    assert first.lock.read_bytes() == second.lock.read_bytes()


def test_no_op_run_changes_nothing(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    before = tree_digest(workspace.package)
    index_mtime = (workspace.package / "_index.py").stat().st_mtime_ns
    run = workspace.run(capsys=capsys)
    assert run.code == 0
    assert "Up to date" in run.out and "Generating" not in run.out
    assert "2 unchanged doc(s) not re-fixed" in run.out  # lock entries reused, fixes skipped
    assert tree_digest(workspace.package) == before
    assert (workspace.package / "_index.py").stat().st_mtime_ns == index_mtime


def test_build_dirs_of_killed_runs_are_removed(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = workspace.output / f".build-{int(dead.stdout)}-abc123"
    (leftover / "piwik_pro_api").mkdir(parents=True)
    assert workspace.run(capsys=capsys).code == 0
    assert not leftover.exists()
    assert not list(workspace.output.glob(".build-*"))


def test_only_changed_docs_are_regenerated(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    gadgets_before = tree_digest(workspace.package / "gadgets")
    doc = json.loads((workspace.docs / "notes_api.json").read_text())
    doc["paths"]["/api/notes/v2"]["get"]["summary"] = "List every note"
    (workspace.docs / "notes_api.json").write_text(json.dumps(doc))
    run = workspace.run(capsys=capsys)
    assert run.code == 0, run.out
    assert "Generating 1 doc(s)" in run.out
    assert tree_digest(workspace.package / "gadgets") == gadgets_before
    assert "List every note" in (workspace.package / "_index.py").read_text()


def test_a_renamed_model_class_is_reported_breaking_and_recorded_in_the_lock(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
):
    assert workspace.run(capsys=capsys).code == 0
    assert "Note" in json.loads(workspace.lock.read_text())["docs"]["notes"]["models"]
    # The same fields under another component name: the generated class is `Memo` now.
    text = (workspace.docs / "notes_api.json").read_text().replace("schemas/Note", "schemas/Memo")
    doc = json.loads(text)
    doc["components"]["schemas"]["Memo"] = doc["components"]["schemas"].pop("Note")
    (workspace.docs / "notes_api.json").write_text(json.dumps(doc))
    run = workspace.run(capsys=capsys)
    assert run.code == 0, run.out
    assert "BREAKING  notes: model `Note` no longer in `piwik_pro_api.notes.models`" in run.out
    report = json.loads((workspace.reports / "changes.json").read_text())
    kinds = {(c["kind"], c["breaking"]) for c in report["changes"]}
    assert {("model-removed", True), ("model-added", False)} <= kinds and report["has_breaking"]
    models = json.loads(workspace.lock.read_text())["docs"]["notes"]["models"]
    assert "Memo" in models and "Note" not in models
    again = workspace.run(capsys=capsys).out
    assert "Up to date" in again and "Lock updated" not in again  # the lock matches the tree


def test_only_regenerates_the_named_docs(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    run = workspace.run("--only", "notes", capsys=capsys)
    assert run.code == 0, run.out
    assert (workspace.package / "notes").is_dir() and not (workspace.package / "gadgets").exists()
    assert "gadgets" not in run.out.split("Generating", 1)[1]
    # A later --only run keeps the docs it did not name.
    assert workspace.run(capsys=capsys).code == 0
    notes_before = tree_digest(workspace.package / "notes")
    assert workspace.run("--only", "gadgets", "--force", capsys=capsys).code == 0
    assert tree_digest(workspace.package / "notes") == notes_before
    index = (workspace.package / "_index.py").read_text()
    assert "list_notes" in index and "list_gadgets" in index


def test_only_rejects_unknown_names(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    run = workspace.run("--only", "nope", capsys=capsys)
    assert run.code == 1
    assert "--only: unknown doc(s) nope" in run.out and "gadgets" in run.out


def test_check_mode_exit_codes(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    before = tree_digest(workspace.package)
    assert workspace.run("--check", capsys=capsys).code == 0
    doc = json.loads((workspace.docs / "gadgets_api.json").read_text())
    del doc["paths"]["/api/gadgets/v1/{gadget_id}"]["delete"]
    (workspace.docs / "gadgets_api.json").write_text(json.dumps(doc))
    run = workspace.run("--check", capsys=capsys)
    assert run.code == 1
    assert "delete_gadget" in run.out
    assert tree_digest(workspace.package) == before  # --check generates nothing


# --- atomicity and errors -------------------------------------------------------


def _snapshot(ws: Workspace) -> tuple[dict[str, str], bytes]:
    return tree_digest(ws.package), ws.lock.read_bytes()


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b'{"openapi": "3.0.3", "paths": {', "not valid JSON"),
        (b'{"hello": "world"}', "not an OpenAPI/Swagger document"),
        (b'{"openapi": "3.0.3", "info": {"title": 5}, "paths": {"/x": {"get": 7}}}', "rejected"),
    ],
    ids=["invalid-json", "not-openapi", "generator-rejects"],
)
def test_broken_doc_leaves_output_and_lock_untouched(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], content: bytes, cause: str
):
    assert workspace.run(capsys=capsys).code == 0
    before = _snapshot(workspace)
    (workspace.docs / "notes_api.json").write_bytes(content)
    run = workspace.run(capsys=capsys)
    assert run.code != 0
    assert "notes" in run.out and cause in run.out
    assert "regenerate FAILED" in run.out
    assert _snapshot(workspace) == before
    assert not list(workspace.output.glob(".build-*"))  # no temp dir left behind


def test_failed_lock_write_puts_the_previous_output_back(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    assert workspace.run(capsys=capsys).code == 0
    before = _snapshot(workspace)
    doc = json.loads((workspace.docs / "notes_api.json").read_text())
    doc["info"]["version"] = "2.2"
    (workspace.docs / "notes_api.json").write_text(json.dumps(doc))

    from piwik_pro_spec import lock

    def disk_full(path: Path, new_lock: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lock, "write_lock", disk_full)
    run = workspace.run(capsys=capsys)
    assert run.code == 1
    assert "No space left on device" in run.out
    assert _snapshot(workspace) == before
    assert not list(workspace.output.glob(".build-*"))


def test_dropped_operation_fails_by_default_and_only_passes_loudly_with_dev_flag(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
):
    assert workspace.run(capsys=capsys).code == 0
    before = _snapshot(workspace)
    doc = json.loads((workspace.docs / "notes_api.json").read_text())
    # A response schema pointing at nothing: the generator would drop the response.
    doc["paths"]["/api/notes/v2"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Missing"
    }
    (workspace.docs / "notes_api.json").write_text(json.dumps(doc))
    run = workspace.run(capsys=capsys)
    assert run.code == 1
    assert "notes: 1 generator warning(s)" in run.out and "/api/notes/v2" in run.out
    assert _snapshot(workspace) == before
    loud = workspace.run("--allow-incomplete", capsys=capsys)
    assert loud.code != 0
    assert "--allow-incomplete: 1 doc(s) NOT generated or incomplete; lock NOT written" in loud.out
    assert workspace.lock.read_bytes() == before[1]


def test_offline_error_names_the_source_option(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = workspace.run(capsys=capsys, source=f"http://127.0.0.1:{port}/docs/")
    assert run.code == 1
    assert "cannot download" in run.out and "--source" in run.out and "PIWIK_PRO_DOCS_SOURCE" in run.out
    assert not workspace.output.exists() or not workspace.package.exists()


def test_missing_folder_source_is_a_clear_error(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    run = workspace.run(capsys=capsys, source=str(workspace.root / "nowhere"))
    assert run.code == 1
    assert "--source" in run.out and "no such folder" in run.out


# --- loopback HTTP source and removed docs -----------------------------------------


def test_loopback_http_source(workspace: Workspace, served: str, capsys: pytest.CaptureFixture[str]):
    run = workspace.run(capsys=capsys, source=served)
    assert run.code == 0, run.out
    assert f"Docs from {served}" in run.out
    assert (workspace.package / "gadgets" / "api" / "gadgets" / "list_gadgets.py").is_file()


def test_removed_doc_is_kept_unless_removals_are_allowed(
    workspace: Workspace, served: str, capsys: pytest.CaptureFixture[str]
):
    assert workspace.run(capsys=capsys, source=served).code == 0
    (workspace.docs / "notes_api.json").unlink()  # the server now answers 404
    run = workspace.run(capsys=capsys, source=served)
    assert run.code != 0
    assert "missing upstream: notes" in run.out and "--allow-removals" in run.out
    assert "doc removed" in run.out  # the change report says so, though the package is kept
    assert workspace.run("--check", capsys=capsys, source=served).code == 1
    assert (workspace.package / "notes").is_dir()
    assert "notes" in json.loads(workspace.lock.read_text())["docs"]
    run = workspace.run("--allow-removals", capsys=capsys, source=served)
    assert run.code == 0, run.out
    assert not (workspace.package / "notes").exists()
    assert "list_notes" not in (workspace.package / "_index.py").read_text()
    assert "notes" not in json.loads(workspace.lock.read_text())["docs"]


def test_doc_missing_from_a_fresh_output_is_left_out_and_the_run_succeeds(
    workspace: Workspace, served: str, capsys: pytest.CaptureFixture[str]
):
    # A release that never had the doc (or a fresh checkout): nothing to keep, nothing to approve.
    (workspace.docs / "notes_api.json").unlink()
    run = workspace.run(capsys=capsys, source=served)
    assert run.code == 0, run.out
    assert "are not in this source: notes" in run.out
    assert "missing upstream" not in run.out
    assert not (workspace.package / "notes").exists()
    assert (workspace.package / "gadgets").is_dir()
    assert "notes" not in json.loads(workspace.lock.read_text())["docs"]


def test_empty_doc_counts_as_removed(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    (workspace.docs / "notes_api.json").write_bytes(b"")
    run = workspace.run(capsys=capsys)
    assert run.code != 0 and "missing upstream: notes" in run.out
    assert (workspace.package / "notes").is_dir()


# --- import cost of the generated code -------------------------------------------


def test_endpoint_import_is_lazy(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    assert workspace.run(capsys=capsys).code == 0
    code = r"""
import json, sys
import piwik_pro_api.gadgets
assert not [m for m in sys.modules if ".models" in m or ".api" in m], sorted(sys.modules)
from piwik_pro_api.gadgets.api.gadgets import get_gadget
get_gadget._get_kwargs("00000000-0000-0000-0000-000000000001")
print(json.dumps(sorted(m for m in sys.modules if m.startswith("piwik_pro_api.gadgets.models."))))
from piwik_pro_api.gadgets.models import Gadget
print(json.dumps(sorted(m for m in sys.modules if m.startswith("piwik_pro_api.gadgets.models."))))
"""
    first, second = python_ok(code, workspace.output).splitlines()
    assert first == "[]"  # building a GET request imports no model
    loaded = json.loads(second)
    assert "piwik_pro_api.gadgets.models.gadget" in loaded
    assert "piwik_pro_api.gadgets.models.gadget_list" not in loaded


class _BrokenHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_server_error_fails_the_run_instead_of_counting_as_removed(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
):
    assert workspace.run(capsys=capsys).code == 0
    before = _snapshot(workspace)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BrokenHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run = workspace.run(capsys=capsys, source=f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert run.code == 1
    assert "gadgets_api.json" in run.out and "HTTP 500" in run.out and "--source" in run.out
    assert _snapshot(workspace) == before


def test_source_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch):
    from piwik_pro_spec.download import SOURCE_ENV, resolve_source

    monkeypatch.setenv(SOURCE_ENV, "/from/env")
    assert resolve_source(None) == "/from/env"
    assert resolve_source("/from/option") == "/from/option"
    monkeypatch.delenv(SOURCE_ENV)
    assert resolve_source(None) is None


def test_unparseable_error_body_leaves_parsed_none_and_sync_raises_by_status(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
):
    assert workspace.run(capsys=capsys).code == 0
    code = r"""
import httpx
import piwik_pro._base as base
from piwik_pro_api.gadgets.api.gadgets import get_gadget

def handler(request):
    return httpx.Response(404, text="<html>proxy says no</html>", headers={"content-type": "text/html"})

class Client:
    raise_on_unexpected_status = False
    def get_httpx_client(self): return httpx.Client(base_url="http://test", transport=httpx.MockTransport(handler))
    def get_async_httpx_client(self): raise NotImplementedError

detailed = get_gadget.sync_detailed("00000000-0000-0000-0000-000000000001", client=Client())
try:
    detailed.parsed  # parsed on first access: the typed error for an error status
except Exception as exc:
    print("detailed", int(detailed.status_code), type(exc).__name__)
def raising(response, success=None):
    raise RuntimeError(f"typed error {int(response.status_code)}")
base.raise_for_status = raising
try:
    get_gadget.sync("00000000-0000-0000-0000-000000000001", client=Client())
except RuntimeError as exc:
    print(exc)
"""
    out = python_ok(code, workspace.output)
    assert "detailed 404 NotFoundError" in out
    assert "typed error 404" in out


def test_other_generator_version_is_refused(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.30.0" if name == "openapi-python-client" else real(name)
    )
    run = workspace.run(capsys=capsys)
    assert run.code == 1
    assert "openapi-python-client 0.29.1 is required, found 0.30.0" in run.out
    assert not workspace.output.exists()

"""Path parameters never leave their operation's path, and the doc's path text is never run through str.format.

Generated code from fixture docs calls a sandbox serving the same docs, over real HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._hostile import generate_docs, hostile
from ._support import FIXTURES, python_ok

pytestmark = pytest.mark.timeout(300)
pytest.importorskip("jsonschema", reason="the sandbox needs the 'sandbox' extra (jsonschema)")

_CALLS = r"""
import json, sys
from piwik_pro import PiwikPro
from piwik_pro_api.gadgets.api.gadgets import delete_gadget, get_gadget

with PiwikPro(sys.argv[1], "demo-client-id", "demo-client-secret", max_retries=0) as pp:
    for value in ("..", ".", "a.b"):
        get_gadget.sync_detailed(value, client=pp)
    delete_gadget.sync_detailed(".", client=pp)
    try:
        get_gadget.sync_detailed("", client=pp)
    except ValueError as exc:
        print("refused", exc)
"""


def test_dot_segments_are_sent_encoded_and_stay_on_their_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from piwik_pro.sandbox import Sandbox, SandboxDocs
    from piwik_pro_spec.fixes import apply_fixes

    doc = json.loads((FIXTURES / "docs" / "gadgets_api.json").read_text())
    run = generate_docs(tmp_path, {"gadgets": doc}, capsys)
    assert run.code == 0, run.out
    with Sandbox(docs=SandboxDocs({"gadgets": apply_fixes("gadgets", doc).doc})) as sb:
        out = python_ok(_CALLS.replace("sys.argv[1]", repr(sb.url)), tmp_path / "generated")
        calls = [(r.method, r.path, r.operation) for r in sb.requests if r.operation != "auth.token"]
    assert calls == [
        ("GET", "/api/gadgets/v1/..", "gadgets.get_gadget"),  # the sandbox decodes %2E%2E back to ".."
        ("GET", "/api/gadgets/v1/.", "gadgets.get_gadget"),
        ("GET", "/api/gadgets/v1/a.b", "gadgets.get_gadget"),
        ("DELETE", "/api/gadgets/v1/.", "gadgets.delete_gadget"),
    ]
    assert "refused path parameter 'gadget_id' must not be empty" in out


def test_stray_braces_in_a_path_are_literal_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from piwik_pro.sandbox import Sandbox, SandboxDocs

    doc = hostile("path_braces")
    run = generate_docs(tmp_path, {"odd": doc}, capsys)
    assert run.code == 0, run.out
    code = (
        "from piwik_pro import PiwikPro\n"
        "from piwik_pro_api.odd.api.default import get_odd\n"
        "with PiwikPro(URL, token='t', max_retries=0) as pp:\n"
        "    print(get_odd.sync_detailed('a b', client=pp).status_code)\n"
    )
    with Sandbox(docs=SandboxDocs({"odd": doc})) as sb:
        out = python_ok(code.replace("URL", repr(sb.url)), tmp_path / "generated")
        calls = [(r.method, r.path, r.operation) for r in sb.requests]
    assert out.strip() == "204"
    assert calls == [("GET", "/api/x/a b/}{?#", "odd.get_odd")]

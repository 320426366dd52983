"""Every generated operation, called through the client, against a Prism mock of its fixed doc."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest

from ._args import Doc
from ._check import SANDBOX_REJECTS, Call, call_sandbox, run_operation
from ._prism import PrismFarm
from .conftest import client_for

pytestmark = [pytest.mark.contract, pytest.mark.timeout(120)]

try:
    from piwik_pro_api._index import OPERATIONS
except ImportError:  # generated/ is a build output: `nox -s regenerate` makes it
    OPERATIONS = []


def _params() -> list[Any]:
    if not OPERATIONS:
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason="piwik_pro_api._index is missing: run `nox -s regenerate`")
            )
        ]
    return [pytest.param(op, id=f"{op['doc']}/{op['name']}") for op in OPERATIONS]


@pytest.mark.parametrize("op", _params())
def test_operation_against_prism(
    op: dict[str, Any],
    fixed_docs: dict[str, Any],
    prism_farm: PrismFarm,
    clients: dict[str, Any],
    prism_calls: dict[str, Call],
) -> None:
    server = prism_farm.server(op["doc"])
    client = client_for(clients, op["doc"], server.url)
    call = run_operation(Doc(fixed_docs[op["doc"]]), op, server, client)
    prism_calls[op["module"]] = call
    report_path = os.environ.get("PIWIK_PRO_CONTRACT_REPORT")
    if report_path:  # one JSON line per operation, for triage across a whole run
        with open(report_path, "a") as f:
            f.write(
                json.dumps(
                    {"op": call.op_id, "status": call.status, "problems": call.problems, "sources": call.sources}
                )
                + "\n"
            )
    assert not call.problems, call.report()


_PLACEHOLDER = re.compile(r"{([^{}]*)}")


@pytest.mark.parametrize("op", _params())
def test_index_matches_doc(op: dict[str, Any], fixed_docs: dict[str, Any]) -> None:
    """The index (contract #5) names each parameter as the doc does and covers every doc parameter."""
    doc = Doc(fixed_docs[op["doc"]])
    declared = {(p["name"], p["in"]) for p in doc.parameters(op["method"], op["path"]) if p["in"] != "header"}
    indexed = {(p["name"], p["in"]) for p in op["parameters"] if p["in"] != "header"}
    assert indexed == declared, f"index has {sorted(indexed - declared)}, doc has {sorted(declared - indexed)}"
    # The index spells each placeholder as its Python keyword ({user_id} for the doc's {userId}), like the lock.
    shape = _PLACEHOLDER.sub("{}", op["path"])
    doc_paths = [
        path
        for path, item in doc.doc["paths"].items()
        if _PLACEHOLDER.sub("{}", path) == shape and op["method"].lower() in item
    ]
    assert len(doc_paths) == 1, f"index path {op['path']!r} matches doc paths {doc_paths}"
    keywords = {p["python_name"] for p in op["parameters"] if p["in"] == "path"}
    assert set(_PLACEHOLDER.findall(op["path"])) == keywords, f"{op['path']!r}: placeholders are not {keywords}"


@pytest.mark.parametrize("op", _params())
def test_sandbox_agrees_with_prism(
    op: dict[str, Any],
    fixed_docs: dict[str, Any],
    prism_farm: PrismFarm,
    clients: dict[str, Any],
    prism_calls: dict[str, Call],
    sandbox_client: Any,
    sandbox: Any,
) -> None:
    """The sandbox accepts exactly the requests Prism accepts (404/409 for unknown ids do not count)."""
    call = prism_calls.get(op["module"])
    if call is None:  # run alone (-k): call Prism here
        server = prism_farm.server(op["doc"])
        call = run_operation(Doc(fixed_docs[op["doc"]]), op, server, client_for(clients, op["doc"], server.url))
    if call.status is None:
        pytest.skip(f"no Prism verdict for {call.op_id}")
    _arrange_state_the_example_presumes(sandbox, call.kwargs)
    answer = call_sandbox(op, call.kwargs, sandbox_client)
    assert answer.status_code < 500, f"{call.op_id}: the sandbox failed ({answer.status_code}): {answer.text[:400]}"
    sandbox_rejects = answer.status_code in SANDBOX_REJECTS
    assert sandbox_rejects == call.request_rejected, (
        f"{call.op_id}: Prism {'rejects' if call.request_rejected else 'accepts'} the request ({call.status}), "
        f"the sandbox {'rejects' if sandbox_rejects else 'accepts'} it ({answer.status_code}: "
        f"{answer.text[:400]})\n" + call.report()
    )


def _arrange_state_the_example_presumes(sandbox: Any, kwargs: dict[str, Any]) -> None:
    """A password-change example presumes its `currentPassword` is the caller's; Prism keeps no state to check it."""
    body = kwargs.get("body")
    to_dict = getattr(body, "to_dict", None)
    document = to_dict() if to_dict else None
    data = document.get("data") if isinstance(document, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    current = attributes.get("currentPassword") if isinstance(attributes, dict) else None
    if isinstance(current, str):
        sandbox.users.me.password = current

"""The contract check can fail: Prism rejects wrong requests and the checker reports them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ._args import Doc
from ._check import _violations, run_operation, violations_in_log
from ._prism import PrismFarm
from .conftest import client_for

pytestmark = [pytest.mark.contract, pytest.mark.timeout(180)]

try:
    from piwik_pro_api._index import OPERATIONS
except ImportError:
    OPERATIONS = []

# A doc of our own: one operation with a required integer query parameter and a JSON body.
MINI_DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "contract-mini", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "operationId": "create_thing",
                "parameters": [{"name": "app", "in": "query", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string", "minLength": 1}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"example": {"id": 1}, "schema": {"type": "object"}}},
                    }
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def mini_prism(prism_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from pathlib import Path

    with PrismFarm(Path(prism_executable), {"mini": MINI_DOC}, tmp_path_factory.mktemp("mini")) as farm:
        yield farm.server("mini")


def _post(server: Any, params: dict[str, Any], body: Any) -> tuple[httpx.Response, str]:
    offset = server.log_offset()
    response = httpx.post(f"{server.url}/things", params=params, json=body)
    return response, server.log_since(offset)


def test_mini_valid_request_passes(mini_prism: Any) -> None:
    response, log = _post(mini_prism, {"app": 1}, {"name": "x"})
    assert response.status_code == 201
    assert _violations(response.headers.get("sl-violations")) == []
    assert violations_in_log(log) == []


def test_mini_wrong_body_is_rejected(mini_prism: Any) -> None:
    response, log = _post(mini_prism, {"app": 1}, {"name": 5})
    assert response.status_code == 422
    assert any("name" in line for line in violations_in_log(log))


def test_mini_missing_required_parameter_is_rejected(mini_prism: Any) -> None:
    response, log = _post(mini_prism, {}, {"name": "x"})
    assert response.status_code == 422
    assert "app" in response.text
    assert violations_in_log(log)


def _first(predicate: Any) -> dict[str, Any]:
    found = [op for op in OPERATIONS if predicate(op)]
    if not found:
        pytest.skip("no suitable operation in piwik_pro_api._index (run `nox -s regenerate`)")
    return found[0]


class _WrongBody:
    """Stands in for a body model: serializes to a body no doc accepts."""

    def to_dict(self) -> Any:
        return {"contract-wrong-body": True}

    def to_multipart(self) -> Any:
        return {}


def test_generated_call_with_wrong_body_fails_the_check(
    fixed_docs: dict[str, Any], prism_farm: PrismFarm, clients: dict[str, Any]
) -> None:
    def has_json_body(op: dict[str, Any]) -> bool:
        if not op.get("body") or "json" not in (op.get("request_content_type") or ""):
            return False
        doc = Doc(fixed_docs[op["doc"]])
        body = doc.resolve(doc.operation(op["method"], op["path"])["requestBody"])
        schema = doc.resolve(next(iter(body["content"].values())).get("schema", {}))
        return bool(schema.get("required"))

    op = _first(has_json_body)
    server = prism_farm.server(op["doc"])

    def spoil(kwargs: dict[str, Any]) -> None:
        kwargs["body"] = _WrongBody()

    call = run_operation(Doc(fixed_docs[op["doc"]]), op, server, client_for(clients, op["doc"], server.url), spoil)
    assert call.status is not None and call.status >= 400, call.report()
    assert any("rejected the request" in p or "answered" in p for p in call.problems), call.report()


def test_generated_call_missing_required_parameter_fails_the_check(
    fixed_docs: dict[str, Any], prism_farm: PrismFarm, clients: dict[str, Any]
) -> None:
    from piwik_pro_api.types import UNSET

    op = _first(lambda op: any(p["in"] == "query" and p["required"] for p in op["parameters"]))
    name = next(p["python_name"] for p in op["parameters"] if p["in"] == "query" and p["required"])
    server = prism_farm.server(op["doc"])

    def drop(kwargs: dict[str, Any]) -> None:
        kwargs[name] = UNSET  # the generated code leaves UNSET parameters out of the query string

    call = run_operation(Doc(fixed_docs[op["doc"]]), op, server, client_for(clients, op["doc"], server.url), drop)
    assert call.status is not None and call.status >= 400, call.report()
    assert call.problems, call.report()


def test_farm_stops_every_prism_process(prism_executable: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Closing the farm leaves no Prism process behind (checked by PID, group included)."""
    import os
    from pathlib import Path

    farm = PrismFarm(Path(prism_executable), {"a": MINI_DOC, "b": MINI_DOC}, tmp_path_factory.mktemp("stop"))
    try:
        farm.server("a")
        farm.server("b")
        pids = farm.pids()
        assert len(pids) == 2
    finally:
        farm.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # neither the process nor anything in its group is left

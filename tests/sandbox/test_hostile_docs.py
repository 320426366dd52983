"""The sandbox on hostile docs written for these tests (tests/fixtures/docs/hostile/): references that point
outside the doc, schemas that fan out, nesting too deep to recurse into."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("jsonschema", reason="the sandbox needs the 'sandbox' extra (jsonschema)")

from piwik_pro.sandbox import Sandbox, SandboxDocs

from tests.servers import MisbehavingServer, reply

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "docs" / "hostile"


def test_remote_and_file_refs_are_refused_never_fetched(misbehaving_server: MisbehavingServer, tmp_path: Path) -> None:
    url = misbehaving_server.route("GET", "/evil.json", reply(json={"Evil": False})).url
    evil_file = tmp_path / "evil.json"
    evil_file.write_text(json.dumps({"Evil": False}))  # a schema nothing matches: a 400 would show it was opened
    text = (HOSTILE / "remote_refs.json").read_text()
    text = text.replace("REMOTE_URL", f"{url}/evil.json").replace("FILE_URL", evil_file.as_uri())
    docs = SandboxDocs({"evil": json.loads(text)})
    with Sandbox(docs=docs) as sb, httpx.Client(base_url=sb.url, timeout=10) as http:
        for path, ref in (("/api/evil/v1/remote", f"{url}/evil.json#/Evil"), ("/api/evil/v1/file", evil_file.as_uri())):
            response = http.post(path, json={"inner": 1})
            assert response.status_code == 500, (path, response.text)
            error = response.json()["errors"][0]
            assert error["title"] == "Sandbox refuses a reference outside the doc"
            assert ref in error["detail"] and "evil POST " + path in error["detail"]
    assert misbehaving_server.requests == []  # the reference server never saw a request


def fan_out_doc(width: int, levels: int, *, array: dict[str, Any] | None = None) -> dict[str, Any]:
    """Schema L0 has `width` properties, each a $ref to L1, ... down to L{levels}: width**levels values if expanded."""
    schemas: dict[str, Any] = {f"L{levels}": {"type": "string"}}
    for level in range(levels - 1, -1, -1):
        child = {"$ref": f"#/components/schemas/L{level + 1}"}
        schemas[f"L{level}"] = {"type": "object", "properties": {f"p{i}": child for i in range(width)}}
    responses: dict[str, Any] = {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/L0"}}}}
    }
    paths: dict[str, Any] = {"/api/fan/v1": {"get": {"operationId": "fan", "security": [], "responses": responses}}}
    if array is not None:
        big = {"200": {"description": "ok", "content": {"application/json": {"schema": array}}}}
        paths["/api/fan/v1/array"] = {"get": {"operationId": "array", "security": [], "responses": big}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Fan-out", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _values(value: Any) -> int:
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def test_sampled_answers_are_bounded_in_breadth_and_array_size() -> None:
    from piwik_pro.sandbox._schema import MAX_SAMPLE_ITEMS, MAX_SAMPLE_NODES

    huge_array = {"type": "array", "minItems": 1e9, "items": {"type": "string", "minLength": 1e9}}
    docs = SandboxDocs({"fan": fan_out_doc(8, 10, array=huge_array)})
    with Sandbox(docs=docs) as sb, httpx.Client(base_url=sb.url, timeout=10) as http:
        fan = http.get("/api/fan/v1")
        assert fan.status_code == 200
        body = fan.json()
        assert body and set(body) <= {f"p{i}" for i in range(8)}  # the value starts out as the schema says ...
        assert _values(body) <= MAX_SAMPLE_NODES + 1  # ... and is truncated, not 8**10 values
        array = http.get("/api/fan/v1/array")
        assert array.status_code == 200
        items = array.json()
        assert len(items) == MAX_SAMPLE_ITEMS and all(len(item) <= 1000 for item in items)


def test_deeply_nested_doc_is_one_clear_error_naming_the_doc(tmp_path: Path) -> None:
    from piwik_pro_spec.docjson import DocJSONError
    from piwik_pro_spec.sources import load_sources

    users = next(s for s in load_sources() if s.package == "users")
    (tmp_path / users.file).write_text('{"openapi": "3.0.3", "paths": {}, "x": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(DocJSONError) as caught:
        SandboxDocs.load(str(tmp_path), only=["users"])
    assert "users" in str(caught.value) and "nested" in str(caught.value)


def test_dot_path_values_stay_on_their_operation_with_the_real_docs(sandbox: Sandbox) -> None:
    from piwik_pro import PiwikPro

    with PiwikPro(sandbox.url, "demo-client-id", "demo-client-secret", max_retries=0) as pp:
        for value in ("..", "."):
            pp.users.get_user.detailed(user_id=value)
            pp.users.delete_user.detailed(user_id=value)
    calls = [(r.method, r.path, r.operation) for r in sandbox.requests if r.operation != "auth.token"]
    assert calls == [
        ("GET", "/api/users/v2/..", "users.get_user"),  # sent as %2E%2E; the sandbox decodes the path
        ("DELETE", "/api/users/v2/..", "users.delete_user"),
        ("GET", "/api/users/v2/.", "users.get_user"),
        ("DELETE", "/api/users/v2/.", "users.delete_user"),
    ]

"""Lifecycle (ephemeral ports, clean stop), routing edges, validation errors, and the CLI entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxDocs

from ._builder import Builder
from ._helpers import JSON_API, auth, errors, get_token

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[2]


def test_ephemeral_ports_and_clean_stop(http: httpx.Client, sandbox_docs: SandboxDocs) -> None:
    first, second = Sandbox(sandbox_docs), Sandbox(sandbox_docs)
    with first, second:
        assert first.url.startswith("http://127.0.0.1:")
        assert first.port != second.port and first.port > 0
        assert http.get(first.url + "/api/users/v2").status_code == 401  # answering
        keep_alive = httpx.Client()
        keep_alive.get(first.url + "/api/users/v2")  # leaves an idle keep-alive connection open
    assert not first.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(first.url + "/api/users/v2", timeout=2)
    keep_alive.close()
    first.stop()  # idempotent


def test_start_twice_is_an_error(sandbox: Sandbox) -> None:
    with pytest.raises(RuntimeError):
        sandbox.start()


def test_unknown_route_is_404_and_wrong_method_405(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox))
    missing = http.get(sandbox.url + "/api/nothing/here", headers=headers)
    assert missing.status_code == 404
    assert "/api/nothing/here" in errors(missing)[0]["detail"]
    wrong = http.put(sandbox.url + "/api/users/v2/me", headers=headers)
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["allow"]


def test_wrong_body_gets_400_with_a_json_pointer(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox), **{"Content-Type": JSON_API})
    body = {"data": {"type": "ppms/app", "attributes": {"name": 123, "urls": ["https://example.com"]}}}
    response = http.post(sandbox.url + "/api/apps/v2", headers=headers, content=json.dumps(body))
    assert response.status_code == 400
    [error] = errors(response)
    assert error["source"] == {"pointer": "/data/attributes/name"}
    assert "123" in error["detail"]


def test_missing_body_member_points_at_it(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox), **{"Content-Type": JSON_API})
    body = {"data": {"type": "ppms/app", "attributes": {"urls": ["https://example.com"]}}}
    response = http.post(sandbox.url + "/api/apps/v2", headers=headers, content=json.dumps(body))
    assert response.status_code == 400
    assert errors(response)[0]["source"] == {"pointer": "/data/attributes/name"}


def test_wrong_parameter_gets_400_naming_it(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox))
    response = http.get(sandbox.url + "/api/apps/v2", headers=headers, params={"limit": "lots"})
    assert response.status_code == 400
    [error] = errors(response)
    assert error["source"] == {"parameter": "limit"}
    assert "lots" in error["detail"]
    ok = http.get(sandbox.url + "/api/apps/v2", headers=headers, params={"limit": "5"})
    assert ok.status_code == 200


def test_plain_json_operation_refuses_a_json_api_body(http: httpx.Client, sandbox: Sandbox) -> None:
    # Any operation that takes plain JSON only (analytics queries, CDP), whichever this release has.
    plain = sorted(
        (
            op
            for op in sandbox.docs.operations
            if op.method == "POST"
            and "{" not in op.path
            and op.body is not None
            and op.body.media_types == ("application/json",)
        ),
        key=lambda op: op.path,
    )
    if not plain:
        pytest.skip("this docs release has no POST without path parameters that takes plain JSON only")
    op = plain[0]
    assert op.body is not None and "application/json" in op.body.media_types
    headers = auth(get_token(http, sandbox), **{"Content-Type": JSON_API})
    response = http.post(sandbox.url + op.path, headers=headers, content=b"{}")
    assert response.status_code == 415
    assert "application/json" in errors(response)[0]["detail"]


def test_every_response_carries_a_request_id(http: httpx.Client, sandbox: Sandbox) -> None:
    first = http.get(sandbox.url + "/api/users/v2").headers["x-request-id"]
    second = http.get(sandbox.url + "/api/users/v2").headers["x-request-id"]
    assert first != second


def test_cli_prints_url_and_credentials_and_stops_on_sigterm(docs_source: str, http: httpx.Client) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "piwik_pro.sandbox", "--docs", docs_source, "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        output = "".join(lines)
        urls = [line.split()[1] for line in lines if line.strip().startswith("URL")]
        assert urls, (output, process.stderr.read() if process.poll() is not None and process.stderr else "")
        url = urls[0]
        assert url.startswith("http://127.0.0.1:")
        assert DEMO_CLIENT_ID in output and DEMO_CLIENT_SECRET in output
        token = http.post(
            url + "/auth/token",
            json={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
        )
        assert token.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


def test_cli_reports_a_missing_docs_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "piwik_pro.sandbox", "--docs", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_explains_a_missing_jsonschema() -> None:
    code = (
        "import sys; sys.modules['jsonschema'] = None\n"
        "from piwik_pro.sandbox import main\n"
        "sys.exit(main(['--port', '0']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "piwik-pro-client[sandbox]" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("path", "offset", "limit"), [("/api/tag/v1/{app_id}/tags", "page[offset]", "page[limit]")])
def test_generic_list_pages_end_at_the_documented_total(
    http: httpx.Client, sandbox: Sandbox, path: str, offset: str, limit: str
) -> None:
    op = sandbox.docs.find("GET", path)
    assert op is not None
    request = Builder(sandbox.docs, op).valid()
    headers = auth(get_token(http, sandbox))
    base = [(k, v) for k, v in request.params if k not in (offset, limit)]
    total = http.get(sandbox.url + request.path, headers=headers, params=base).json()["meta"]["total"]
    assert total > 1
    seen = 0
    for start in range(0, total + 2, 2):
        page = http.get(sandbox.url + request.path, headers=headers, params=[*base, (offset, str(start)), (limit, "2")])
        assert page.status_code == 200
        body = page.json()
        assert body["meta"]["total"] == total
        assert len(body["data"]) == max(0, min(2, total - start))
        seen += len(body["data"])
    assert seen == total


def test_every_json_api_operation_refuses_plain_json_bodies(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox))
    body = {"data": {"type": "ppms/app", "attributes": {"name": "x", "urls": ["https://example.com"]}}}
    response = http.post(sandbox.url + "/api/apps/v2", headers=headers, json=body)
    assert response.status_code == 400
    assert errors(response)[0]["code"] == "error.json-api-content-type"
    assert sandbox.requests[-1].content_type == "application/json"


def test_operations_documented_without_security_need_no_token(http: httpx.Client, sandbox: Sandbox) -> None:
    public = [op for op in sandbox.docs.operations if op.public]
    assert public, "the docs declare public operations (security: [])"
    op = public[0]
    request = Builder(sandbox.docs, op).valid()
    response = http.request(op.method, sandbox.url + request.path, **request.kwargs())
    assert response.status_code in op.success_statuses
    guarded = sandbox.docs.find("GET", "/api/apps/v2")
    assert guarded is not None and not guarded.public


def test_generic_answers_name_the_requested_resource_and_sent_attributes(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox), **{"Content-Type": JSON_API})
    body = {"data": {"type": "ppms/app", "attributes": {"name": "My shop", "urls": ["https://shop.example.com"]}}}
    created = http.post(sandbox.url + "/api/apps/v2", headers=headers, content=json.dumps(body))
    assert created.status_code == 201
    assert created.json()["data"]["attributes"]["name"] == "My shop"
    app_id = "5d3a4b8c-0000-4000-8000-00000000abcd"
    got = http.get(f"{sandbox.url}/api/apps/v2/{app_id}", headers=headers)
    assert got.status_code == 200
    assert got.json()["data"]["id"] == app_id


def test_chunked_request_bodies_are_read(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = auth(get_token(http, sandbox), **{"Content-Type": JSON_API})
    body = json.dumps({"data": {"type": "ppms/user", "attributes": {"email": "chunked@example.com"}}}).encode()
    response = http.post(sandbox.url + "/api/users/v2/invite", headers=headers, content=iter([body[:10], body[10:]]))
    assert response.status_code == 201
    assert sandbox.requests[-1].headers.get("transfer-encoding") == "chunked"
    assert sandbox.requests[-1].body == body


def test_a_client_hanging_up_prints_no_traceback(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # socketserver reports connection errors through handle_error; a reset by the client is ordinary traffic.
    server = sandbox._server
    assert server is not None
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        server.handle_error(None, ("127.0.0.1", 50000))
    assert capsys.readouterr().err == ""
    # A real failure is still reported, with its traceback, through logging.
    with caplog.at_level("ERROR", logger="piwik_pro.sandbox"):
        try:
            raise ValueError("boom")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 50000))
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)

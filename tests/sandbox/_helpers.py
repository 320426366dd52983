"""Plain-httpx helpers for talking to the sandbox the way the Getting-started guide's curl calls do."""

from __future__ import annotations

from typing import Any

import httpx
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

JSON_API = "application/vnd.api+json"


def get_token(http: httpx.Client, sandbox: Sandbox, **overrides: str) -> str:
    body = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    body.update(overrides)
    response = http.post(f"{sandbox.url}/auth/token", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON:API errors of an error answer (asserting it is one)."""
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"], body
    found: list[dict[str, Any]] = body["errors"]
    assert all(e["status"] == str(response.status_code) for e in found), found
    return found


def invite_body(email: str = "user@example.com", language: str = "en-US", **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "ppms/user", "attributes": {"email": email, "language": language, **attributes}}}

"""The admin endpoint (/__sandbox__/...), served only when the sandbox runs with admin=True.

GET    /__sandbox__/state      tokens issued, users, faults, clock
GET    /__sandbox__/faults     list fault rules
POST   /__sandbox__/faults     add one: {"kind", "route", "times", "status", "retry_after", "seconds"}
DELETE /__sandbox__/faults     clear them
POST   /__sandbox__/revoke     revoke every token issued so far
POST   /__sandbox__/clock      {"advance": seconds}
GET    /__sandbox__/requests   the recorded requests (bodies as text)
DELETE /__sandbox__/requests   forget them
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._call import Reply
from ._errors import ApiError

if TYPE_CHECKING:
    from ._sandbox import Sandbox

_FAULT_FIELDS = ("kind", "route", "times", "status", "retry_after", "seconds")


def admin_reply(sandbox: Sandbox, method: str, path: str, body: bytes) -> Reply:
    try:
        return _dispatch(sandbox, method, path.rstrip("/"), body)
    except ApiError as error:
        return Reply.json(error.status, error.body(), "application/json")


def _dispatch(sandbox: Sandbox, method: str, path: str, body: bytes) -> Reply:
    if (method, path) == ("GET", "/state"):
        return Reply.json(200, _state(sandbox), "application/json")
    if path == "/faults":
        if method == "GET":
            return Reply.json(200, [f.to_dict() for f in sandbox.faults], "application/json")
        if method == "DELETE":
            sandbox.faults.clear()
            return Reply.empty()
        if method == "POST":
            spec = _json_object(body)
            unknown = sorted(set(spec) - set(_FAULT_FIELDS))
            if unknown:
                raise ApiError.of(400, "Unknown fault fields", detail=f"{unknown}; allowed: {list(_FAULT_FIELDS)}")
            try:
                fault = sandbox.faults.add(**spec)
            except (TypeError, ValueError) as exc:
                raise ApiError.of(400, "Invalid fault", detail=str(exc)) from None
            return Reply.json(201, fault.to_dict(), "application/json")
    if (method, path) == ("POST", "/revoke"):
        sandbox.revoke_tokens()
        return Reply.empty()
    if (method, path) == ("POST", "/clock"):
        advance = _json_object(body).get("advance")
        if not isinstance(advance, (int, float)) or isinstance(advance, bool):
            raise ApiError.of(400, "Invalid clock change", detail='send {"advance": seconds}')
        sandbox.clock.advance(float(advance))
        return Reply.json(200, {"now": sandbox.clock.now()}, "application/json")
    if path == "/requests":
        if method == "DELETE":
            sandbox.clear_requests()
            return Reply.empty()
        if method == "GET":
            rows = [
                {
                    "method": r.method,
                    "path": r.path,
                    "query": r.query,
                    "content_type": r.content_type,
                    "operation": r.operation,
                    "status": r.status,
                    "fault": r.fault,
                    "body": r.body.decode("utf-8", "replace"),
                }
                for r in sandbox.requests
            ]
            return Reply.json(200, rows, "application/json")
    raise ApiError.of(404, "Not Found", detail=f"no admin action {method} /__sandbox__{path}")


def _state(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "url": sandbox.url,
        "tokens_issued": sandbox.tokens_issued,
        "users": len(sandbox.users.users),
        "requests": len(sandbox.requests),
        "faults": [f.to_dict() for f in sandbox.faults],
        "clock": sandbox.clock.now(),
        "operations": len(sandbox.docs.operations),
    }


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ApiError.of(400, "Invalid admin request", detail="send a JSON object")
    return value

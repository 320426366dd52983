"""A Postman Collection v2.1 (and a matching environment) built from the fixed docs.

The collection is built from the same prepared docs the sandbox serves
(`piwik_pro.sandbox.SandboxDocs`): one folder per API and tag, one request
per operation with the media types the fixed doc declares and the doc's
example body (or one built from the schema). A collection-level pre-request
script fetches a token with the client credentials when none is stored or it
expires within 60 s, so nobody pastes tokens.

Everything is sorted by name, never taken in the order a doc lists it, and
the same docs give byte-identical output.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piwik_pro.sandbox import SandboxDocs
    from piwik_pro.sandbox._docs import Operation

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
JSON_API = "application/vnd.api+json"
TOKEN_PATH = "/auth/token"
GETTING_STARTED = "Getting started"
DEFAULT_BASE_URL = "https://ACCOUNT.piwik.pro"
# Methods whose body Postman prunes by default.
_BODY_PRUNED = frozenset({"GET", "HEAD", "COPY", "PURGE", "UNLOCK"})
# Stable ids: the same docs give the same collection (diffable, re-importable over itself).
_NAMESPACE = uuid.UUID("6f1c1a4e-4c4e-4d53-9a0f-7069776b2d70")

# Runs before every request of the collection (Postman and Newman alike).
PRE_REQUEST_SCRIPT = """\
// Piwik PRO tokens last 30 minutes: fetch one with the client credentials when none is
// stored or it expires within 60 s, and keep it in the collection variables.
(function () {
  if (pm.request.url.getPath().endsWith('/auth/token')) {
    return; // the token request itself needs no token
  }
  var token = pm.collectionVariables.get('accessToken');
  var expiresAt = Number(pm.collectionVariables.get('accessTokenExpiresAt') || 0);
  if (token && expiresAt - Date.now() > 60 * 1000) {
    return;
  }
  var baseUrl = String(pm.variables.get('baseUrl') || '').replace(/\\/+$/, '');
  var clientId = pm.variables.get('clientId');
  var clientSecret = pm.variables.get('clientSecret');
  if (!baseUrl || !clientId || !clientSecret) {
    throw new Error('Set the baseUrl, clientId and clientSecret variables (collection or environment) first.');
  }
  pm.sendRequest({
    url: baseUrl + '/auth/token',
    method: 'POST',
    header: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
    body: {
      mode: 'raw',
      raw: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })
    }
  }, function (err, res) {
    if (err) {
      console.error('Piwik PRO token request failed: ' + err);
      return;
    }
    if (res.code !== 200) {
      console.error('Piwik PRO token request failed: HTTP ' + res.code + ' (check clientId and clientSecret)');
      return;
    }
    var body = res.json();
    pm.collectionVariables.set('accessToken', body.access_token);
    pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + Number(body.expires_in || 0) * 1000));
  });
})();
"""

_STORE_TOKEN_TEST = """\
pm.test('token issued', function () {
  pm.response.to.have.status(200);
  var body = pm.response.json();
  pm.expect(body.access_token).to.be.a('string');
  pm.collectionVariables.set('accessToken', body.access_token);
  pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + Number(body.expires_in || 0) * 1000));
});
"""

_STORE_USER_TEST = """\
pm.test('user invited', function () {
  pm.response.to.have.status(201);
  var user = pm.response.json().data;
  pm.expect(user.id).to.be.a('string');
  pm.collectionVariables.set('userId', user.id);
});
"""

_GET_USER_TEST = """\
pm.test('the invited user', function () {
  pm.response.to.have.status(200);
  pm.expect(pm.response.json().data.id).to.eql(pm.collectionVariables.get('userId'));
});
"""

_LANGUAGE_TEST = """\
pm.test('language changed', function () {
  pm.expect(pm.response.code).to.be.oneOf([200, 204]);
});
"""

_DELETE_TEST = """\
pm.test('user deleted', function () {
  pm.expect(pm.response.code).to.be.oneOf([200, 204]);
  pm.collectionVariables.unset('userId');
});
"""


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _script(listen: str, source: str) -> dict[str, Any]:
    return {"listen": listen, "script": {"type": "text/javascript", "exec": source.rstrip("\n").split("\n")}}


# -- one request per operation ------------------------------------------------------------------


def _body_media(op: Operation) -> str | None:
    """The media type to send: JSON:API where the fixed doc declares it, else its first JSON type."""
    if op.body is None:
        return None
    types = sorted(op.body.media_types)
    if JSON_API in types:
        return JSON_API
    return next((m for m in types if m.endswith("json")), types[0] if types else None)


def _accept(op: Operation) -> str | None:
    found: set[str] = set()
    for status in op.success_statuses:
        response = op.responses.get(status)
        if response is not None:
            found.update(response.media_types)
    if not found:
        return None
    if JSON_API in found:
        return JSON_API
    return next((m for m in sorted(found) if m.endswith("json")), sorted(found)[0])


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def _parameter_value(op: Operation, param: Any) -> Any:
    if param.examples:
        return param.examples[0]
    return op.resolver.sample(param.schema)


def _query(op: Operation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in sorted((p for p in op.parameters if p.location == "query"), key=lambda p: (not p.required, p.name)):
        value = _parameter_value(op, p)
        values = value if isinstance(value, list) and p.explode else [value]
        if isinstance(value, list) and not p.explode:
            values = [",".join(_text(v) for v in value)]
        for item in values or [""]:
            entry: dict[str, Any] = {"key": p.name, "value": _text(item)}
            if not p.required:
                entry["disabled"] = True  # optional: switch it on in Postman when you need it
            entry["description"] = "required" if p.required else "optional"
            out.append(entry)
    return out


def _example_body(op: Operation, media: str) -> Any:
    assert op.body is not None
    examples = op.body.examples.get(media) or ()
    if examples:
        return examples[0]
    return op.resolver.sample(op.body.schemas.get(media, {}))


def _body(op: Operation, media: str) -> dict[str, Any]:
    value = _example_body(op, media)
    if "form-urlencoded" in media or "multipart/form-data" in media:
        mode = "urlencoded" if "urlencoded" in media else "formdata"
        fields = value if isinstance(value, dict) else {}
        return {mode: [{"key": k, "value": _text(v), "type": "text"} for k, v in sorted(fields.items())], "mode": mode}
    raw = (
        json.dumps(value, indent=2, ensure_ascii=False) if media.endswith("json") or "+json" in media else _text(value)
    )
    body: dict[str, Any] = {"mode": "raw", "raw": raw}
    if media.endswith("json"):
        body["options"] = {"raw": {"language": "json"}}
    return body


def postman_path(path: str) -> str:
    """`/api/users/v2/{userId}` -> `/api/users/v2/:userId` (Postman's path variables)."""
    return re.sub(r"\{([^}/]+)\}", r":\1", path)


def _url(path: str, query: list[dict[str, Any]], variables: list[dict[str, Any]]) -> dict[str, Any]:
    template = postman_path(path)
    enabled = "&".join(f"{q['key']}={q['value']}" for q in query if not q.get("disabled"))
    url: dict[str, Any] = {
        "raw": "{{baseUrl}}" + template + (f"?{enabled}" if enabled else ""),
        "host": ["{{baseUrl}}"],
        "path": [segment for segment in template.split("/") if segment],
    }
    if query:
        url["query"] = query
    if variables:
        url["variable"] = variables
    return url


def _headers(content_type: str | None, accept: str | None) -> list[dict[str, Any]]:
    headers = []
    if accept:
        headers.append({"key": "Accept", "value": accept})
    if content_type:
        headers.append({"key": "Content-Type", "value": content_type})
    return headers


def _description(op: Operation, raw: Mapping[str, Any], accessor: str) -> str:
    parts = [str(raw.get(k)).strip() for k in ("summary", "description") if raw.get(k)]
    if parts and len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    parts.append(f"Python: `pp.{accessor}.{op.operation_id}(...)` · shell: `piwik-pro call {op.operation_id}`")
    return "\n\n".join(parts)


def operation_request(op: Operation, raw: Mapping[str, Any], accessor: str) -> dict[str, Any]:
    """The Postman item for one operation, sendable as it is (with the doc's example values)."""
    variables = [
        {"key": p.name, "value": _text(_parameter_value(op, p)), "description": "required path parameter"}
        for p in sorted((p for p in op.parameters if p.location == "path"), key=lambda p: p.name)
    ]
    media = _body_media(op)
    headers = _headers(media, _accept(op))
    for p in sorted((p for p in op.parameters if p.location == "header"), key=lambda p: p.name):
        if p.name.lower() not in ("accept", "content-type", "authorization"):
            headers.append({"key": p.name, "value": _text(_parameter_value(op, p)), "disabled": not p.required})
    request: dict[str, Any] = {
        "method": op.method,
        "header": headers,
        "url": _url(op.path, _query(op), variables),
        "description": _description(op, raw, accessor),
    }
    if media is not None:
        request["body"] = _body(op, media)
    if op.public:
        request["auth"] = {"type": "noauth"}
    summary = str(raw.get("summary") or "").strip()
    name = op.operation_id if not summary else f"{op.operation_id} · {summary}"
    item: dict[str, Any] = {"id": _id(op.package, op.operation_id), "name": name, "request": request}
    if media is not None and op.method in _BODY_PRUNED:
        # Postman drops a GET's body unless told otherwise; the doc says this one takes a body.
        item["protocolProfileBehavior"] = {"disableBodyPruning": True}
    return item


# -- the Getting-started walkthrough -----------------------------------------------------------

_WALKTHROUGH = ("invite_user", "get_user", "update_user", "delete_user")


def _walkthrough(docs: SandboxDocs) -> dict[str, Any] | None:
    """The guide's walkthrough: token, invite a user, get it, change its language to de-DE, delete it."""
    by_name = {op.operation_id: op for op in docs.operations if op.package == "users"}
    if not all(name in by_name for name in _WALKTHROUGH):
        return None  # a release without the users API: no walkthrough
    invite, get, update, delete = (by_name[n] for n in _WALKTHROUGH)

    def user_request(op: Operation, body: Any | None) -> dict[str, Any]:
        names = [p.name for p in op.parameters if p.location == "path"]
        variables = [{"key": n, "value": "{{userId}}"} for n in sorted(names)]
        media = _body_media(op)
        request: dict[str, Any] = {
            "method": op.method,
            "header": _headers(media if body is not None else None, _accept(op) or JSON_API),
            "url": _url(op.path, [], variables),
        }
        if body is not None:
            request["body"] = {
                "mode": "raw",
                "raw": json.dumps(body, indent=2),
                "options": {"raw": {"language": "json"}},
            }
        return request

    token = {
        "method": "POST",
        "header": _headers("application/json", "application/json"),
        "url": _url(TOKEN_PATH, [], []),
        "auth": {"type": "noauth"},
        "body": {
            "mode": "raw",
            "raw": json.dumps(
                {"grant_type": "client_credentials", "client_id": "{{clientId}}", "client_secret": "{{clientSecret}}"},
                indent=2,
            ),
            "options": {"raw": {"language": "json"}},
        },
        "description": "The client-credentials token request. Every other request fetches a token by itself "
        "(the collection's pre-request script); this one shows how.",
    }
    invite_body = {
        "data": {
            "type": "ppms/user",
            "attributes": {"email": "postman-{{$timestamp}}@example.com", "language": "en-US"},
        }
    }
    language_body = {"data": {"id": "{{userId}}", "type": "ppms/user", "attributes": {"language": "de-DE"}}}
    steps = [
        ("1. Get an access token", token, _STORE_TOKEN_TEST),
        ("2. Invite a user", user_request(invite, invite_body), _STORE_USER_TEST),
        ("3. Get the user", user_request(get, None), _GET_USER_TEST),
        ("4. Change the language to de-DE", user_request(update, language_body), _LANGUAGE_TEST),
        ("5. Delete the user", user_request(delete, None), _DELETE_TEST),
    ]
    return {
        "id": _id("getting-started"),
        "name": GETTING_STARTED,
        "description": "The Getting-started guide's walkthrough. Run this folder: the user's id travels "
        "from the invite to the next requests in the `userId` variable.",
        "item": [
            {"id": _id("getting-started", name), "name": name, "request": request, "event": [_script("test", test)]}
            for name, request, test in steps
        ],
    }


# -- the collection ---------------------------------------------------------------------------


def _raw_operations(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """operationId -> the doc's operation object (for tags, summary and description)."""
    found: dict[str, Mapping[str, Any]] = {}
    for item in (doc.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId"):
                found[str(op["operationId"])] = op
    return found


def collection(
    docs: SandboxDocs,
    packages: Iterable[str] | None = None,
    *,
    accessors: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """The collection for the given doc packages (all when None)."""
    wanted = set(packages) if packages is not None else set(docs.docs)
    accessors = accessors or {}
    titles = titles or {}
    folders: list[dict[str, Any]] = []
    for package in sorted(wanted, key=lambda p: accessors.get(p, p)):
        doc = docs.docs[package]
        raw_ops = _raw_operations(doc)
        accessor = accessors.get(package, package)
        by_tag: dict[str, list[dict[str, Any]]] = {}
        for op in docs.operations:
            if op.package != package:
                continue
            raw = raw_ops.get(op.operation_id, {})
            tags = raw.get("tags") or []
            tag = str(tags[0]) if tags else ""
            by_tag.setdefault(tag, []).append(operation_request(op, raw, accessor))
        items: list[dict[str, Any]] = []
        for tag in sorted(by_tag):
            requests = sorted(by_tag[tag], key=lambda r: str(r["name"]))
            if tag and len(by_tag) > 1:
                items.append({"id": _id(package, "tag", tag), "name": tag, "item": requests})
            else:
                items.extend(requests)
        info = doc.get("info") or {}
        folders.append(
            {
                "id": _id(package),
                "name": accessor,
                "description": str(titles.get(package) or info.get("title") or package),
                "item": items,
            }
        )
    walkthrough = _walkthrough(docs)
    if walkthrough is not None:
        folders.insert(0, walkthrough)
    return {
        "info": {
            "_postman_id": _id("collection", *sorted(wanted)),
            "name": "Piwik PRO API",
            "description": "Every operation of the Piwik PRO API, from the docs after piwik-pro-client's spec "
            "fixes. Set the collection variables baseUrl, clientId and clientSecret; the token is "
            "fetched for you. Start with the Getting started folder.",
            "schema": SCHEMA_URL,
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}]},
        "event": [_script("prerequest", PRE_REQUEST_SCRIPT)],
        "variable": [
            {"key": "baseUrl", "value": base_url, "type": "string"},
            {"key": "clientId", "value": "", "type": "string"},
            {"key": "clientSecret", "value": "", "type": "secret"},
            {"key": "accessToken", "value": "", "type": "secret"},
            {"key": "accessTokenExpiresAt", "value": "0", "type": "string"},
        ],
        "item": folders,
    }


def environment(base_url: str = DEFAULT_BASE_URL, client_id: str = "", name: str = "Piwik PRO") -> dict[str, Any]:
    """A Postman environment with the three variables the collection needs (the secret left empty)."""
    return {
        "id": _id("environment", name),
        "name": name,
        "values": [
            {"key": "baseUrl", "value": base_url, "type": "default", "enabled": True},
            {"key": "clientId", "value": client_id, "type": "default", "enabled": True},
            {"key": "clientSecret", "value": "", "type": "secret", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    }

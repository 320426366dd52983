"""Convert a Swagger 2.0 document to OpenAPI 3.0.3.

The generator only reads OpenAPI 3. This converts what Swagger 2.0 can say:
host/basePath/schemes -> servers, definitions/parameters/responses ->
components, body and formData parameters -> requestBody, consumes/produces ->
media types, response schema/examples -> content, securityDefinitions ->
securitySchemes, `$ref` rewriting, `x-nullable`, `type: file`, and
collectionFormat -> style/explode.
"""

from __future__ import annotations

from typing import Any

from ._walk import HTTP_METHODS, Record

NAME = "swagger2-to-openapi3"

_REF_PREFIXES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# Keywords a Swagger 2.0 non-body parameter carries that belong in its OpenAPI 3 schema.
_PARAM_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf",
)  # fmt: skip
_COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    if str(doc.get("swagger", "")).split(".")[0] != "2":
        return
    converted = _convert(doc)
    doc.clear()
    doc.update(converted)
    record((), "converted Swagger 2.0 to OpenAPI 3.0.3")


def _convert(src: dict[str, Any]) -> dict[str, Any]:
    src = _rewrite_refs(src)
    consumes = src.get("consumes") or ["application/json"]
    produces = src.get("produces") or ["application/json"]
    out: dict[str, Any] = {"openapi": "3.0.3", "info": src.get("info") or {"title": "", "version": ""}}
    out["servers"] = _servers(src)
    for key in ("tags", "security", "externalDocs"):
        if key in src:
            out[key] = src[key]
    out.update({k: v for k, v in src.items() if k.startswith("x-")})

    global_params: dict[str, Any] = src.get("parameters") or {}
    components: dict[str, Any] = {}
    if src.get("definitions"):
        components["schemas"] = {k: _schema(v) for k, v in src["definitions"].items()}
    params = {k: _parameter(v) for k, v in global_params.items() if v.get("in") not in ("body", "formData")}
    if params:
        components["parameters"] = params
    bodies = {k: _request_body([v], consumes) for k, v in global_params.items() if v.get("in") in ("body", "formData")}
    if bodies:
        components["requestBodies"] = bodies
    if src.get("responses"):
        components["responses"] = {k: _response(v, produces) for k, v in src["responses"].items()}
    if src.get("securityDefinitions"):
        components["securitySchemes"] = {k: _security(v) for k, v in src["securityDefinitions"].items()}

    paths: dict[str, Any] = {}
    for path, item in (src.get("paths") or {}).items():
        new_item: dict[str, Any] = {k: v for k, v in item.items() if k not in HTTP_METHODS and k != "parameters"}
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                new_item[method] = _operation(op, shared, global_params, consumes, produces)
        paths[path] = new_item
    out["paths"] = paths
    if components:
        out["components"] = components
    return out


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                for old, new in _REF_PREFIXES.items():
                    if value.startswith(old):
                        value = new + value[len(old) :]
                        break
                out[key] = value
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _servers(src: dict[str, Any]) -> list[dict[str, str]]:
    base = (src.get("basePath") or "").rstrip("/")
    host = src.get("host")
    if not host:
        return [{"url": base or "/"}]
    schemes = src.get("schemes") or ["https"]
    # https first: it is what the API is served on; http is kept as an alternative.
    ordered = sorted(schemes, key=lambda s: s != "https")
    return [{"url": f"{scheme}://{host}{base}"} for scheme in ordered]


def _schema(node: Any) -> Any:
    """Swagger 2.0 schema -> OpenAPI 3.0 schema (x-nullable, type: file, discriminator)."""
    if isinstance(node, list):
        return [_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "x-nullable":
            out["nullable"] = bool(value)
        elif key == "type" and value == "file":
            out["type"] = "string"
            out["format"] = "binary"
        elif key == "discriminator" and isinstance(value, str):
            out["discriminator"] = {"propertyName": value}
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: _schema(v) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "oneOf", "anyOf"):
            out[key] = _schema(value)
        else:
            out[key] = value
    return out


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in param:
        return param
    out: dict[str, Any] = {"name": param["name"], "in": param["in"]}
    for key in ("description", "required", "allowEmptyValue", "deprecated", "example"):
        if key in param:
            out[key] = param[key]
    if param["in"] == "path":
        out["required"] = True
    schema = {k: param[k] for k in _PARAM_SCHEMA_KEYS if k in param}
    if param.get("x-nullable"):
        schema["nullable"] = True
    out["schema"] = _schema(schema)
    fmt = param.get("collectionFormat")
    if fmt in _COLLECTION_STYLES and param["in"] in ("query", "header", "path", "cookie"):
        style, explode = _COLLECTION_STYLES[fmt]
        if param["in"] != "query" and style == "form":
            style = "simple"
        out["style"] = style
        out["explode"] = explode
    out.update({k: v for k, v in param.items() if k.startswith("x-") and k != "x-nullable"})
    return out


def _request_body(params: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
    body = next((p for p in params if p.get("in") == "body"), None)
    if body is not None:
        out: dict[str, Any] = {
            "content": {media: {"schema": _schema(body.get("schema") or {})} for media in consumes},
        }
        if "description" in body:
            out["description"] = body["description"]
        if body.get("required"):
            out["required"] = True
        if "x-examples" in body and isinstance(body["x-examples"], dict):
            for media, example in body["x-examples"].items():
                if media in out["content"]:
                    out["content"][media]["example"] = example
        return out
    # formData parameters become the properties of one object schema.
    properties: dict[str, Any] = {}
    required: list[str] = []
    has_file = False
    for p in params:
        prop = _parameter(p)["schema"]
        if "description" in p:
            prop["description"] = p["description"]
        properties[p["name"]] = prop
        has_file = has_file or p.get("type") == "file"
        if p.get("required"):
            required.append(p["name"])
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    form_types = [m for m in consumes if m in ("multipart/form-data", "application/x-www-form-urlencoded")]
    if not form_types:
        form_types = ["multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
    return {"content": {media: {"schema": schema} for media in form_types}, "required": bool(required)}


def _response(resp: dict[str, Any], produces: list[str]) -> dict[str, Any]:
    if "$ref" in resp:
        return resp
    out: dict[str, Any] = {"description": resp.get("description", "")}
    examples = resp.get("examples") if isinstance(resp.get("examples"), dict) else {}
    if "schema" in resp or examples:
        media_types = list(produces)
        for media in examples:
            if media not in media_types:
                media_types.append(media)
        content: dict[str, Any] = {}
        for media in media_types:
            media_obj: dict[str, Any] = {}
            if "schema" in resp:
                media_obj["schema"] = _schema(resp["schema"])
            if media in examples:
                media_obj["example"] = examples[media]
            content[media] = media_obj
        out["content"] = content
    if resp.get("headers"):
        out["headers"] = {
            name: {
                **({"description": h["description"]} if "description" in h else {}),
                "schema": _schema({k: h[k] for k in _PARAM_SCHEMA_KEYS if k in h}),
            }
            for name, h in resp["headers"].items()
        }
    out.update({k: v for k, v in resp.items() if k.startswith("x-")})
    return out


def _security(scheme: dict[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    desc = {"description": scheme["description"]} if "description" in scheme else {}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **desc}
    if kind == "apiKey":
        return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **desc}
    if kind == "oauth2":
        flow_names = {
            "implicit": "implicit",
            "password": "password",
            "application": "clientCredentials",
            "accessCode": "authorizationCode",
        }
        flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                flow[key] = scheme[key]
        return {"type": "oauth2", "flows": {flow_names.get(scheme.get("flow", ""), "implicit"): flow}, **desc}
    return dict(scheme)


def _operation(
    op: dict[str, Any],
    shared: list[dict[str, Any]],
    global_params: dict[str, Any],
    consumes: list[str],
    produces: list[str],
) -> dict[str, Any]:
    op_consumes = op.get("consumes") or consumes
    op_produces = op.get("produces") or produces
    out: dict[str, Any] = {
        k: v for k, v in op.items() if k not in ("parameters", "responses", "consumes", "produces", "schemes")
    }
    # Operation parameters override path-item ones with the same (name, in).
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for param in [*shared, *(op.get("parameters") or [])]:
        target = _deref_param(param, global_params)
        merged[(target.get("name", ""), target.get("in", ""))] = param
    params: list[dict[str, Any]] = []
    body_params: list[dict[str, Any]] = []
    body_ref: str | None = None
    for param in merged.values():
        target = _deref_param(param, global_params)
        if target.get("in") in ("body", "formData"):
            if "$ref" in param:
                body_ref = "#/components/requestBodies/" + param["$ref"].rsplit("/", 1)[-1]
            else:
                body_params.append(target)
        else:
            params.append(_parameter(param))
    if params:
        out["parameters"] = params
    if body_ref:
        out["requestBody"] = {"$ref": body_ref}
    elif body_params:
        out["requestBody"] = _request_body(body_params, op_consumes)
    out["responses"] = {str(k): _response(v, op_produces) for k, v in (op.get("responses") or {}).items()}
    return out


def _deref_param(param: dict[str, Any], global_params: dict[str, Any]) -> dict[str, Any]:
    ref = param.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
        found = global_params.get(ref.rsplit("/", 1)[-1])
        return found if isinstance(found, dict) else {}
    return param

"""Request checks against the doc: content type, body parsing, parameters and body schemas."""

from __future__ import annotations

import itertools
import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from jsonschema.exceptions import ValidationError, best_match

from ._docs import Operation, Parameter, SandboxDocs, is_json_media
from ._errors import JSON_API, ApiError, error_object

NO_BODY: Any = object()
_TOKEN = re.compile(
    r"""(?<![\w])'[^']*'|"[^"]*"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"""
)


def fill(text: str, values: tuple[str | None, ...]) -> str:
    """Replace the i-th quoted value or UUID in a doc example's text with values[i] (None keeps it)."""
    position = itertools.count()

    def swap(match: re.Match[str]) -> str:
        index = next(position)
        if index >= len(values) or values[index] is None:
            return match.group()
        token = match.group()
        if token[0] in "'\"":
            return f"{token[0]}{values[index]}{token[0]}"
        return str(values[index])

    return _TOKEN.sub(swap, text)


def doc_error(
    docs: SandboxDocs,
    name: str,
    values: tuple[str | None, ...],
    fallback: dict[str, Any],
    status: int | None = None,
) -> ApiError:
    """An ApiError built from the doc's example `name` with this request's values filled in.

    The wording comes from the doc at runtime; `fallback` (our own words) serves
    docs that lack the example."""
    example = docs.error_example(name)
    if example is None:
        error = dict(fallback)
    else:
        error = dict(example)
        for key in ("title", "detail"):
            if isinstance(error.get(key), str):
                error[key] = fill(error[key], values)
    code = status or int(str(error.get("status", fallback.get("status", 400))))
    return ApiError(code, [error])


def media_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def check_content_type(docs: SandboxDocs, op: Operation, content_type: str | None, body: bytes) -> str | None:
    """The declared media type the body is sent as; raises when the doc does not take it."""
    if op.body is None or (not body and not op.body.required):
        return None
    sent = media_type(content_type)
    if sent in op.body.media_types or "*/*" in op.body.media_types:
        return sent
    if op.jsonapi:
        raise doc_error(
            docs,
            "invalid_content_type",
            (sent, JSON_API),
            error_object(
                400,
                f"Content-Type '{sent}' is not accepted: send JSON:API bodies as '{JSON_API}'",
                code="error.json-api-content-type",
            ),
        )
    wanted = " or ".join(f"'{m}'" for m in op.body.media_types)
    raise ApiError.of(
        415,
        "Unsupported Media Type",
        detail=f"{op.route} takes {wanted}, not '{sent or 'no Content-Type'}'",
    )


def parse_body(docs: SandboxDocs, op: Operation, media: str | None, body: bytes, content_type: str | None) -> Any:
    """The decoded body (NO_BODY when there is none); malformed bodies raise a 400."""
    if media is None or not body:
        if op.body is not None and op.body.required:
            raise ApiError.of(400, "Missing request body", detail=f"{op.route} requires a body", pointer="")
        return NO_BODY
    if is_json_media(media):
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            if op.jsonapi:
                raise doc_error(
                    docs,
                    "invalid_json_api_content",
                    (),
                    error_object(400, "Invalid JSON:API document", code="error.default", detail=str(exc)),
                ) from None
            raise ApiError.of(400, "Malformed JSON body", detail=str(exc), pointer="") from None
    if media == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if media == "multipart/form-data":
        return _parse_multipart(body, content_type or "")
    return body.decode("utf-8", "replace")


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ApiError.of(400, "Malformed multipart body", detail="no parts found", pointer="")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return fields


def check_body(docs: SandboxDocs, op: Operation, media: str, value: Any) -> None:
    if op.body is None:
        return
    schema = op.body.schemas.get(media, next(iter(op.body.schemas.values()), {}))
    error = best_match(docs.validator(op, "body", media, schema).iter_errors(value))
    if error is not None:
        pointer = _pointer(error)
        raise ApiError.of(
            400,
            "Invalid request body",
            code="error.default",
            detail=f"{pointer or 'body'}: {_short(error.message)}",
            pointer=pointer,
        )


def check_params(
    docs: SandboxDocs,
    op: Operation,
    path_params: dict[str, str],
    query: list[tuple[str, str]],
    headers: dict[str, str],
) -> dict[str, Any]:
    """Coerce and validate every declared path, query and header parameter; return their values."""
    values: dict[str, Any] = {}
    for param in op.parameters:
        raw = _raw_value(param, path_params, query, headers)
        if raw is None:
            if param.required and param.location != "header":
                raise ApiError.of(
                    400,
                    "Missing required parameter",
                    code="error.default",
                    detail=f"{param.location} parameter '{param.name}' is required",
                    parameter=param.name,
                )
            continue
        value = coerce(op, param, raw)
        error = best_match(
            docs.validator(op, "param", f"{param.location}:{param.name}", param.schema).iter_errors(value)
        )
        if error is not None:
            raise ApiError.of(
                400,
                f"Invalid {param.location} parameter '{param.name}'",
                code="error.default",
                detail=f"{param.name}: {_short(error.message)}",
                parameter=param.name,
            )
        values[param.name] = value
    return values


def _raw_value(
    param: Parameter, path_params: dict[str, str], query: list[tuple[str, str]], headers: dict[str, str]
) -> list[str] | dict[str, str] | None:
    if param.location == "path":
        value = path_params.get(param.name)
        return [value] if value is not None else None
    if param.location == "header":
        header = headers.get(param.name.lower())
        return [header] if header is not None else None
    if param.location != "query":
        return None
    if param.style == "deepObject":
        prefix = param.name + "["
        found = {k[len(prefix) : -1]: v for k, v in query if k.startswith(prefix) and k.endswith("]")}
        return found or None
    found_list = [v for k, v in query if k in (param.name, param.name + "[]")]
    return found_list or None


def coerce(op: Operation, param: Parameter, raw: list[str] | dict[str, str]) -> Any:
    """Turn query/path strings into the JSON types the parameter's schema describes."""
    resolver = op.resolver
    schema = resolver.resolve(param.schema)
    kind = resolver.schema_type(schema)
    if isinstance(raw, dict):
        props = schema.get("properties") or {} if isinstance(schema, dict) else {}
        return {k: _coerce_one(resolver.schema_type(props.get(k, {})), props.get(k, {}), v, op) for k, v in raw.items()}
    if kind == "array":
        items = raw if len(raw) > 1 else [part for part in raw[0].split(",")] if raw[0] else []
        item_schema = schema.get("items", {}) if isinstance(schema, dict) else {}
        item_kind = resolver.schema_type(item_schema)
        return [_scalar(item_kind, item) for item in items]
    return _scalar(kind, raw[-1])


def _coerce_one(kind: str | None, schema: Any, value: str, op: Operation) -> Any:
    if kind == "array":
        item_kind = op.resolver.schema_type(op.resolver.resolve(schema).get("items", {}))
        return [_scalar(item_kind, part) for part in value.split(",")] if value else []
    return _scalar(kind, value)


def _scalar(kind: str | None, value: str) -> Any:
    if kind == "integer" and re.fullmatch(r"[-+]?\d+", value):
        return int(value)
    if kind == "number":
        try:
            return float(value) if not re.fullmatch(r"[-+]?\d+", value) else int(value)
        except ValueError:
            return value
    if kind == "boolean" and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def _pointer(error: ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    required = error.validator_value
    if error.validator == "required" and isinstance(error.instance, dict) and isinstance(required, list):
        missing = [name for name in required if name not in error.instance]
        if missing:
            path.append(str(missing[0]))
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."

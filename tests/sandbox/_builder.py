"""Build requests for any documented operation from the doc itself: valid ones and broken ones.

Valid values come from the doc's examples first and, where those are missing
or contradict the doc's own schema, from a value synthesised from the schema.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from piwik_pro.sandbox import Operation, SandboxDocs
from piwik_pro.sandbox._docs import Parameter
from piwik_pro.sandbox._validate import coerce

PREFERRED_MEDIA = ("application/vnd.api+json", "application/json")


@dataclass
class Request:
    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    expect_parameter: str | None = None  # for broken requests: the parameter named in source.parameter
    expect_pointer: str | None = None  # for broken requests: the body member named in source.pointer

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"params": self.params, "headers": self.headers}
        if self.files is not None:
            out["files"] = self.files
        elif self.content is not None:
            out["content"] = self.content
        return out


class NoValidValue(Exception):
    pass


class Builder:
    def __init__(self, docs: SandboxDocs, op: Operation) -> None:
        self.docs = docs
        self.op = op

    # -- values ---------------------------------------------------------------------------

    def param_valid(self, param: Parameter, value: Any) -> bool:
        raw = to_raw(param, value)
        if raw is None:
            return False
        coerced = coerce(self.op, param, raw)
        validator = self.docs.validator(self.op, "param", f"{param.location}:{param.name}", param.schema)
        return validator.is_valid(coerced)

    def param_value(self, param: Parameter) -> Any:
        resolver = self.op.resolver
        candidates = [*param.examples, resolver.sample(param.schema), resolver.sample(param.schema, examples=False)]
        for value in candidates:
            if value is not None and self.param_valid(param, value):
                return value
        raise NoValidValue(f"{param.location} parameter {param.name!r}: no example or sample fits its schema")

    def body_media(self) -> str | None:
        if self.op.body is None:
            return None
        media_types = self.op.body.media_types
        return next((m for m in PREFERRED_MEDIA if m in media_types), media_types[0])

    def body_valid(self, media: str, value: Any) -> bool:
        assert self.op.body is not None
        return self.docs.validator(self.op, "body", media, self.op.body.schemas[media]).is_valid(value)

    def body_value(self, media: str) -> Any:
        assert self.op.body is not None
        schema = self.op.body.schemas[media]
        resolver = self.op.resolver
        candidates = [
            *self.op.body.examples.get(media, ()),
            resolver.sample(schema),
            resolver.sample(schema, examples=False),
        ]
        for value in candidates:
            if self.body_valid(media, value):
                return value
        raise NoValidValue(f"body ({media}): no example or sample fits its schema")

    # -- requests -------------------------------------------------------------------------

    def valid(self, overrides: dict[str, Any] | None = None) -> Request:
        """A request the doc says is fine: every parameter with a value, and a body if one is declared."""
        overrides = overrides or {}
        path = self.op.path
        request = Request(self.op.method, path)
        for param in self.op.parameters:
            value = overrides[param.name] if param.name in overrides else self.param_value(param)
            self._place(request, param, value)
        media = self.body_media()
        if media is not None:
            body = overrides["__body__"] if "__body__" in overrides else self.body_value(media)
            self._set_body(request, media, body)
        return request

    def _place(self, request: Request, param: Parameter, value: Any) -> None:
        raw = to_raw(param, value)
        assert raw is not None
        if param.location == "path":
            request.path = request.path.replace("{" + param.name + "}", quote_segment(raw_str(raw)))
        elif param.location == "header":
            request.headers[param.name] = raw_str(raw)
        elif param.location == "query":
            if isinstance(raw, dict):
                request.params.extend((f"{param.name}[{k}]", v) for k, v in raw.items())
            else:
                request.params.extend((param.name, item) for item in raw)

    def _set_body(self, request: Request, media: str, body: Any) -> None:
        if media == "multipart/form-data":
            request.files = {k: (f"{k}.json", str(v).encode(), "application/json") for k, v in (body or {}).items()}
            if not request.files:
                request.files = {"file": ("file.json", b"{}", "application/json")}
            return
        request.headers["Content-Type"] = media
        if media == "application/x-www-form-urlencoded":
            from urllib.parse import urlencode

            request.content = urlencode(body or {}).encode()
        else:
            request.content = json.dumps(body).encode()

    def broken(self, valid: Request, keep: tuple[str, ...] = ()) -> Iterator[tuple[str, Request]]:
        """Variants of `valid` the doc forbids, each with what the 400 must name (`keep`: body members to leave)."""
        yield from self._broken_params(valid)
        yield from self._broken_bodies(valid, keep)

    def _broken_params(self, valid: Request) -> Iterator[tuple[str, Request]]:
        for param in self.op.parameters:
            if param.location not in ("path", "query"):
                continue
            if param.style == "deepObject":
                yield from self._broken_deep_object(valid, param)
                continue
            for bad in BAD_VALUES:
                if (param.location == "path" and bad == "") or self.param_valid(param, bad):
                    continue
                request = copy.deepcopy(valid)
                request.path = self.op.path
                request.params = [
                    (k, v) for k, v in valid.params if k != param.name and not k.startswith(param.name + "[")
                ]
                for other in self.op.parameters:
                    if other.location == "path":
                        value = bad if other is param else self.param_value(other)
                        request.path = request.path.replace(
                            "{" + other.name + "}", quote_segment(raw_str(to_raw(other, value) or [""]))
                        )
                if param.location == "query":
                    request.params.append((param.name, str(bad)))
                request.expect_parameter = param.name
                yield f"{param.location} parameter {param.name}={bad!r}", request
                break
            if param.location == "query" and param.required:
                request = copy.deepcopy(valid)
                request.params = [
                    (k, v) for k, v in valid.params if k != param.name and not k.startswith(param.name + "[")
                ]
                request.expect_parameter = param.name
                yield f"missing required query parameter {param.name}", request

    def _broken_deep_object(self, valid: Request, param: Parameter) -> Iterator[tuple[str, Request]]:
        schema = self.op.resolver.resolve(param.schema)
        validator = self.docs.validator(self.op, "param", f"{param.location}:{param.name}", param.schema)
        for prop in schema.get("properties") or {}:
            for bad in BAD_VALUES:
                if validator.is_valid(coerce(self.op, param, {prop: bad})):
                    continue
                request = copy.deepcopy(valid)
                key = f"{param.name}[{prop}]"
                request.params = [(k, v) for k, v in valid.params if k != key] + [(key, bad)]
                request.expect_parameter = param.name
                yield f"query parameter {key}={bad!r}", request
                return

    def _broken_bodies(self, valid: Request, keep: tuple[str, ...]) -> Iterator[tuple[str, Request]]:
        media = self.body_media()
        if media is None or valid.content is None or "json" not in media:
            return
        body = json.loads(valid.content)
        for pointer, broken in mutations(body):
            if pointer not in keep and not self.body_valid(media, broken):
                request = copy.deepcopy(valid)
                request.content = json.dumps(broken).encode()
                request.expect_pointer = pointer
                yield f"body member {pointer or '(root)'} of the wrong type", request
                return


BAD_VALUES: tuple[Any, ...] = ("not-a-valid-value", "-1", "", "x" * 300)


def mutations(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """The body with one member replaced by a value of another JSON type, deepest members first."""
    if isinstance(value, dict):
        for key, member in value.items():
            for inner, replaced in mutations(member, f"{pointer}/{key}"):
                yield inner, {**value, key: replaced}
    elif isinstance(value, list):
        for index, member in enumerate(value):
            for inner, replaced in mutations(member, f"{pointer}/{index}"):
                yield inner, [*value[:index], replaced, *value[index + 1 :]]
    for other in _other_types(value):
        yield pointer, other


def _other_types(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["yes", 7]
    if isinstance(value, (int, float)):
        return ["seven", [7]]
    if isinstance(value, str):
        return [12345, {"x": 1}]
    if isinstance(value, list):
        return ["not-a-list", {"x": 1}]
    if isinstance(value, dict):
        return ["not-an-object", [1]]
    return ["x", 1]


def to_raw(param: Parameter, value: Any) -> list[str] | dict[str, str] | None:
    """Serialise a value as it travels in a query or path (form style; deepObject as name[key])."""
    if value is None:
        return None
    if param.style == "deepObject" and isinstance(value, dict):
        return {
            str(k): scalar(v) if not isinstance(v, list) else ",".join(scalar(i) for i in v) for k, v in value.items()
        }
    if isinstance(value, list):
        items = [scalar(v) for v in value]
        if not items:
            return None
        return items if param.explode and param.location == "query" else [",".join(items)]
    if isinstance(value, dict):
        return [json.dumps(value)]
    return [scalar(value)]


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def raw_str(raw: list[str] | dict[str, str]) -> str:
    return raw[-1] if isinstance(raw, list) else json.dumps(raw)


def quote_segment(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")

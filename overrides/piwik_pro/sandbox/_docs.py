"""The docs, prepared once for serving: operations, routes, validators and canned answers.

`SandboxDocs` is built from the fixed docs (`piwik_pro_spec.docs.load_fixed_docs`)
and is immutable apart from lazily filled caches, so one instance can be shared
by any number of sandboxes (tests build it once per session).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from ._errors import JSON_API, ApiError
from ._schema import FORMAT_CHECKER, Resolver, to_json_schema

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_JSON_MEDIA = re.compile(r"^application/([\w.+-]*\+)?json$")
_MISSING: Any = object()
# Keys of a doc root that `$ref`s may point into; the validator sees them beside each schema.
_REF_ROOTS = ("components", "definitions", "parameters", "responses")
# Swagger 2 parameters carry their schema inline.
_SWAGGER2_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "default",
    "multipleOf",
)


def is_json_media(media_type: str) -> bool:
    return bool(_JSON_MEDIA.match(media_type)) or media_type == "*/*"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" | "query" | "header" | "cookie"
    required: bool
    schema: Any
    style: str
    explode: bool
    examples: tuple[Any, ...] = ()  # documented example values, for clients and tests building requests


@dataclass(frozen=True)
class Body:
    media_types: tuple[str, ...]
    required: bool
    schemas: Mapping[str, Any]  # media type -> schema (unresolved)
    examples: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # media type -> documented examples


@dataclass(frozen=True)
class Response:
    status: int
    media_types: tuple[str, ...]
    examples: Mapping[str, Any]  # media type -> its first documented example value
    schemas: Mapping[str, Any]


@dataclass(eq=False)
class Operation:
    """One documented operation of one doc."""

    package: str
    operation_id: str
    method: str  # upper case
    path: str  # template, e.g. /api/users/v2/{userId}
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: Mapping[int, Response]
    public: bool
    resolver: Resolver
    pattern: re.Pattern[str] = field(init=False, repr=False)
    literal_segments: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        parts = []
        for piece in re.split(r"(\{[^}/]+\})", self.path.rstrip("/")):
            if piece.startswith("{") and piece.endswith("}"):
                parts.append(f"(?P<{_group(piece[1:-1])}>[^/]+)")
            else:
                parts.append(re.escape(piece))
        self.pattern = re.compile("^" + "".join(parts) + "/?$")
        self.literal_segments = sum(1 for s in self.path.split("/") if s and "{" not in s)

    @property
    def key(self) -> str:
        return f"{self.package}.{self.operation_id}"

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def jsonapi(self) -> bool:
        """True when the doc declares the request body as application/vnd.api+json."""
        return self.body is not None and JSON_API in self.body.media_types

    @property
    def success_statuses(self) -> tuple[int, ...]:
        found = tuple(sorted(s for s in self.responses if 200 <= s < 300))
        return found or (200,)

    def path_params(self, match: re.Match[str]) -> dict[str, str]:
        names = {_group(p.name): p.name for p in self.parameters if p.location == "path"}
        return {names.get(group, group): value for group, value in match.groupdict().items()}


def _group(name: str) -> str:
    """Path parameter names as regex group names (they may hold dashes or dots)."""
    return "p_" + re.sub(r"\W", lambda m: f"_{ord(m.group()):x}_", name)


class SandboxDocs:
    """Operations of every doc, with routing, validators and success answers (lazily cached)."""

    def __init__(self, docs: Mapping[str, dict[str, Any]]) -> None:
        self.docs = dict(docs)
        self.operations: list[Operation] = []
        self._roots: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._validators: dict[tuple[str, str, str], Draft202012Validator] = {}
        self._answers: dict[tuple[str, str], tuple[int, str | None, bytes]] = {}
        for package, doc in sorted(self.docs.items()):
            self.operations.extend(_operations(package, doc))
        # Most specific first: literal segments beat templates ("/versions/draft" before "/versions/{id}").
        self._routes = sorted(self.operations, key=lambda op: (-op.literal_segments, -len(op.path)))
        self._examples = self._collect_examples()

    @classmethod
    def load(cls, source: str | None = None, only: Iterable[str] | None = None) -> SandboxDocs:
        """Read and fix the docs from `source` (a folder or URL; None: env PIWIK_PRO_DOCS_SOURCE)."""
        from piwik_pro_spec.docs import load_fixed_docs

        return cls(load_fixed_docs(source, only=only))

    def __repr__(self) -> str:
        return f"SandboxDocs({len(self.docs)} docs, {len(self.operations)} operations)"

    # -- routing --------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op in self._routes:
            if op.method == method:
                found = op.pattern.match(path)
                if found:
                    return op, op.path_params(found)
        return None

    def allowed_methods(self, path: str) -> list[str]:
        return sorted({op.method for op in self._routes if op.pattern.match(path)})

    def find(self, method: str, path: str) -> Operation | None:
        """The operation documented as exactly `METHOD path-template`."""
        for op in self.operations:
            if op.method == method and op.path == path:
                return op
        return None

    # -- validation -----------------------------------------------------------------------

    def validator(self, op: Operation, kind: str, key: str, schema: Any) -> Draft202012Validator:
        """A cached validator for one parameter (`kind` "param") or body media type ("body")."""
        cache_key = (op.key + " " + op.route, kind, key)
        validator = self._validators.get(cache_key)
        if validator is None:
            root = self._root(op.package)
            converted = to_json_schema(schema)
            if not isinstance(converted, dict):
                converted = {}
            document = {**root, **converted}
            outside = _external_ref(converted, document)
            if outside is not None:
                raise ApiError.of(
                    500,
                    "Sandbox refuses a reference outside the doc",
                    detail=f"{op.package} {op.route}: $ref {outside!r} ({kind} {key}) is not inside the doc; "
                    "the sandbox resolves only '#/...' references and never fetches or opens others",
                )
            # A registry that retrieves nothing: jsonschema's default would fetch http:// and open file:// refs.
            validator = Draft202012Validator(document, format_checker=FORMAT_CHECKER, registry=_LOCAL_ONLY)
            with self._lock:
                self._validators[cache_key] = validator
        return validator

    def _root(self, package: str) -> dict[str, Any]:
        root = self._roots.get(package)
        if root is None:
            doc = self.docs[package]
            root = {key: to_json_schema(doc[key]) for key in _REF_ROOTS if key in doc}
            with self._lock:
                self._roots[package] = root
        return root

    # -- answers --------------------------------------------------------------------------

    def success_answer(self, op: Operation, accept: str | None = None) -> tuple[int, str | None, bytes]:
        """(status, media type, body) of the documented success answer: example, else synthesised."""
        status = op.success_statuses[0]
        response = op.responses.get(status)
        media_types = response.media_types if response else ()
        media = _choose_media(media_types, accept)
        cache_key = (op.key + " " + op.route, media or "")
        cached = self._answers.get(cache_key)
        if cached is not None:
            return cached
        if status == 204 or response is None or media is None:
            answer: tuple[int, str | None, bytes] = (status, None, b"")
        else:
            value = response.examples.get(media, _MISSING)
            if value is _MISSING:
                value = op.resolver.sample(response.schemas.get(media, {}))
            answer = (status, "application/json" if media == "*/*" else media, _serialise(value, media))
        with self._lock:
            self._answers[cache_key] = answer
        return answer

    def error_example(self, name: str) -> dict[str, Any] | None:
        """The first error object of the doc example called `name` (components/examples), if any."""
        return self._examples.get(name)

    def _collect_examples(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        # The users doc carries the platform's error catalogue; prefer it, then any other doc.
        order = sorted(self.docs, key=lambda p: (p != "users", p))
        for package in order:
            components = self.docs[package].get("components") or {}
            resolver = Resolver(self.docs[package])
            named: list[tuple[str, Any]] = list((components.get("examples") or {}).items())
            # Shared responses (e.g. "id_mismatch") carry their example inline: index them by response name.
            for name, response in (components.get("responses") or {}).items():
                for media in (resolver.resolve(response).get("content") or {}).values():
                    for example in (media.get("examples") or {}).values() if isinstance(media, dict) else ():
                        named.append((name, resolver.resolve(example)))
            for name, example in named:
                value = example.get("value") if isinstance(example, dict) else None
                errors = value.get("errors") if isinstance(value, dict) else None
                if isinstance(errors, list) and errors and isinstance(errors[0], dict) and name not in found:
                    found[name] = dict(errors[0])
        return found


def _refuse_retrieval(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class; stubs miss its __init__


_LOCAL_ONLY: Registry[Any] = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]


def _external_ref(schema: Any, document: dict[str, Any]) -> str | None:
    """The first `$ref` reachable from `schema` (through the doc's own refs) that points outside the doc."""
    stack, seen = [schema], set()
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith("#"):
                    return ref
                if ref not in seen:
                    seen.add(ref)
                    stack.append(_local_target(document, ref))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _local_target(document: dict[str, Any], ref: str) -> Any:
    target: Any = document
    for part in ref[2:].split("/") if ref.startswith("#/") else ():
        part = part.replace("~1", "/").replace("~0", "~")
        target = target.get(part) if isinstance(target, dict) else None
    return target


def _choose_media(media_types: tuple[str, ...], accept: str | None) -> str | None:
    if not media_types:
        return None
    if accept:
        wanted = [part.split(";")[0].strip() for part in accept.split(",")]
        for media in media_types:
            if media in wanted:
                return media
    return media_types[0]


def _serialise(value: Any, media: str) -> bytes:
    if is_json_media(media):
        return json.dumps(value).encode()
    if media == "application/x-ndjson":
        items = value if isinstance(value, list) else [value]
        return b"".join(json.dumps(item).encode() + b"\n" for item in items)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def _operations(package: str, doc: dict[str, Any]) -> list[Operation]:
    resolver = Resolver(doc)
    swagger2 = str(doc.get("swagger", "")).startswith("2")
    prefix = _base_path(doc)
    doc_security = doc.get("security")
    found: list[Operation] = []
    for path, item in (doc.get("paths") or {}).items():
        item = resolver.resolve(item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            raw_params = [resolver.resolve(p) for p in [*(item.get("parameters") or []), *(op.get("parameters") or [])]]
            # Operation-level parameters override path-level ones with the same name and location.
            by_key: dict[tuple[str, str], dict[str, Any]] = {}
            for p in raw_params:
                if isinstance(p, dict) and "name" in p and "in" in p:
                    by_key[(p["in"], p["name"])] = p
            body: Body | None
            if swagger2:
                body = _swagger2_body(op, doc, list(by_key.values()))
            else:
                body = _openapi3_body(resolver.resolve(op.get("requestBody")), resolver)
            params = [_parameter(p, swagger2, resolver) for p in by_key.values() if p["in"] not in ("body", "formData")]
            # Undeclared path parameters (a doc defect) are still routed, as plain strings.
            declared = {p.name for p in params if p.location == "path"}
            for name in re.findall(r"\{([^}/]+)\}", path):
                if name not in declared:
                    params.append(Parameter(name, "path", True, {"type": "string"}, "simple", False))
            security = op.get("security", doc_security)
            public = security == [] or (security is None and "public" in package)
            found.append(
                Operation(
                    package=package,
                    operation_id=str(op.get("operationId") or f"{method}_{path}"),
                    method=method.upper(),
                    path=prefix + path,
                    parameters=tuple(params),
                    body=body,
                    responses=_responses(op, doc, resolver, swagger2),
                    public=public,
                    resolver=resolver,
                )
            )
    return found


def _base_path(doc: dict[str, Any]) -> str:
    if "basePath" in doc:
        return str(doc["basePath"]).rstrip("/")
    servers = doc.get("servers") or []
    if servers and isinstance(servers[0], dict):
        return urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")
    return ""


def _examples(spec: Any, resolver: Resolver) -> tuple[Any, ...]:
    """Documented examples of a parameter or media type object (`example`, `examples`, schema example)."""
    if not isinstance(spec, dict):
        return ()
    found: list[Any] = []
    if "example" in spec:
        found.append(spec["example"])
    examples = spec.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            example = resolver.resolve(example)
            if isinstance(example, dict) and "value" in example:
                found.append(example["value"])
    schema = resolver.resolve(spec.get("schema"))
    if isinstance(schema, dict) and "example" in schema:
        found.append(schema["example"])
    return tuple(found)


def _parameter(p: dict[str, Any], swagger2: bool, resolver: Resolver) -> Parameter:
    location = str(p["in"])
    if swagger2 or ("schema" not in p and "content" not in p):
        keys = _SWAGGER2_SCHEMA_KEYS
        schema: Any = {k: p[k] for k in keys if k in p}
        explode = p.get("collectionFormat") == "multi"
        style = "form" if location == "query" else "simple"
    else:
        schema = p.get("schema")
        if schema is None:
            content: dict[str, Any] = p.get("content") or {}
            first: dict[str, Any] = next(iter(content.values()), {})
            schema = first.get("schema", {})
        style = str(p.get("style") or ("form" if location in ("query", "cookie") else "simple"))
        explode = bool(p.get("explode", style == "form"))
    required = bool(p.get("required", location == "path"))
    return Parameter(str(p["name"]), location, required, schema, style, explode, _examples(p, resolver))


def _openapi3_body(request_body: Any, resolver: Resolver) -> Body | None:
    if not isinstance(request_body, dict) or not isinstance(request_body.get("content"), dict):
        return None
    # Only media-type entries: some docs misplace keys such as "required" inside `content`.
    content = {m: spec for m, spec in request_body["content"].items() if "/" in m and isinstance(spec, dict)}
    if not content:
        return None
    schemas = {media: (resolver.resolve(spec) or {}).get("schema", {}) for media, spec in content.items()}
    examples = {media: _examples(resolver.resolve(spec), resolver) for media, spec in content.items()}
    return Body(tuple(content), bool(request_body.get("required", False)), schemas, examples)


def _swagger2_body(op: dict[str, Any], doc: dict[str, Any], params: list[dict[str, Any]]) -> Body | None:
    consumes = tuple(op.get("consumes") or doc.get("consumes") or ["application/json"])
    for p in params:
        if p.get("in") == "body":
            schema = p.get("schema", {})
            return Body(consumes, bool(p.get("required", False)), dict.fromkeys(consumes, schema))
    form = [p for p in params if p.get("in") == "formData"]
    if form:
        schema = {
            "type": "object",
            "properties": {p["name"]: _parameter(p, True, Resolver(doc)).schema for p in form},
            "required": [p["name"] for p in form if p.get("required")],
        }
        media = tuple(m for m in consumes if "form" in m) or ("application/x-www-form-urlencoded",)
        return Body(media, any(p.get("required") for p in form), dict.fromkeys(media, schema))
    return None


def _responses(op: dict[str, Any], doc: dict[str, Any], resolver: Resolver, swagger2: bool) -> dict[int, Response]:
    out: dict[int, Response] = {}
    produces = tuple(op.get("produces") or doc.get("produces") or ["application/json"])
    for code, spec in (op.get("responses") or {}).items():
        if not str(code).isdigit():
            continue
        spec = resolver.resolve(spec)
        if not isinstance(spec, dict):
            continue
        status = int(code)
        if swagger2:
            if "schema" not in spec:
                out[status] = Response(status, (), {}, {})
                continue
            documented = spec.get("examples") or {}
            examples = {m: documented[m] for m in produces if m in documented}
            out[status] = Response(status, produces, examples, dict.fromkeys(produces, spec["schema"]))
            continue
        content = {m: c for m, c in (spec.get("content") or {}).items() if "/" in m and isinstance(c, dict)}
        examples = {}
        for media, media_spec in content.items():
            media_spec = resolver.resolve(media_spec) or {}
            if "example" in media_spec:
                examples[media] = media_spec["example"]
            elif isinstance(media_spec.get("examples"), dict) and media_spec["examples"]:
                first = resolver.resolve(next(iter(media_spec["examples"].values())))
                if isinstance(first, dict) and "value" in first:
                    examples[media] = first["value"]
        schemas = {media: (resolver.resolve(s) or {}).get("schema", {}) for media, s in content.items()}
        out[status] = Response(status, tuple(content), examples, schemas)
    return out

"""spec/lock.json: the facts the client was generated from, and nothing else.

Per doc: file, package, sha256 of the raw doc, original spec version and an
inventory of every operation as the generated client sees it (generated name,
module tag, method, path, parameters with their Python names, body and
response fields with types, content types, enum values). Never the docs'
prose: no descriptions, summaries, titles or examples.

The inventory is what `piwik_pro_spec.changes.compare` diffs to say what
changed for code that calls the generated client.

Layout choices, so a lock diff reads well in a pull request:
- operations are keyed "METHOD /path", sorted, so a resource's operations sit
  together; path placeholders are spelled by their Python names, as the
  generated code writes the path (the doc's own names key the parameters), so
  a respelled placeholder (`{appId}` -> `{app_id}`) is a one-line diff;
- every parameter, field and response is one line: a flat JSON object of facts;
- body/response fields are flattened to dotted paths (`data.attributes.name`,
  `data[].id`); `oneOf`/`anyOf` variants are merged (a field is required only
  if every variant requires it), `allOf` parts are combined;
- flattening stops at MAX_FIELD_DEPTH segments and at recursive `$ref`s:
  the field is recorded with its type and nothing below it.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import keyword
import os
import re
import tempfile
from pathlib import Path
from typing import Any

LOCK_FORMAT = 1
# Deep enough for JSON:API bodies (data[].attributes.x.y.z), shallow enough
# to keep the Tag Manager tag templates reviewable.
MAX_FIELD_DEPTH = 10
# Breadth bound: $refs that fan out (8 properties x 10 levels) multiply into billions of fields.
# The largest real schema has a few hundred; past this the doc is refused, naming the schema.
MAX_FIELDS = 5000
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The prefix openapi-python-client puts before identifiers that are not valid
# Python (its default `field_prefix`).
FIELD_PREFIX = "field_"
_JSON_MEDIA = re.compile(r"^application/(.+\+)?json$")
_PATH_PARAM = re.compile(r"{([^}]+)}")


class LockError(Exception):
    """spec/lock.json cannot be read; the message names the file and the fix."""


class SchemaTooLarge(LockError):
    """A body or response schema expands to more than MAX_FIELDS fields; the message names where."""


# ---------------------------------------------------------------- names


# openapi-python-client 0.29.1's own naming (openapi_python_client/strings.py
# and parser/openapi.py: generate_operation_id), copied rather than imported:
# importing the generator takes seconds, and a no-op regenerate builds the
# lock too. tests/changes/test_lock.py checks these agree with the generator.
_DELIMITERS = r"\. _-"
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def _sanitize(value: str) -> str:
    return "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)


def _snake_case(value: str) -> str:
    value = _sanitize(value)
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return "_".join(re.findall(rf"[^{re.escape(_DELIMITERS)}]+", value)).lower()


def python_identifier(value: str, prefix: str = FIELD_PREFIX, skip_snake_case: bool = False) -> str:
    """The identifier openapi-python-client 0.29 derives from a name (module, function, kwarg)."""
    safe = _sanitize(value)
    leading_underscore = safe.startswith("_")
    safe = re.sub(r"[^\w]+", "", safe) if skip_snake_case else _snake_case(safe)
    if safe in _RESERVED or keyword.iskeyword(safe):
        safe = f"{safe}_"
    if not safe.isidentifier() or leading_underscore:
        safe = f"{prefix}{safe}"
    return safe


def parameter_keyword_source(name: str) -> str:
    """What a parameter's keyword is made from: a character no identifier holds separates words.

    The generator drops such characters, gluing `filter[name]` into `filtername`;
    as word breaks they give `filter_name`, `page_limit`, `filter_is_active`.
    generate.py renames the generator's parameters with this too.
    """
    return "".join(c if c.isidentifier() or c.isdecimal() or c in _DELIMITERS else " " for c in name)


def operation_name(method: str, path: str, operation: dict[str, Any]) -> str:
    """The generated module/function name of an operation, exactly as 0.29.1 names it."""
    operation_id = operation.get("operationId")
    if operation_id:
        name = python_identifier(str(operation_id))
    else:  # generate_operation_id
        unsafe = path.replace("{", "").replace("}", "").replace("/", "_")
        unsafe = unsafe[1:] if unsafe.startswith("_") else unsafe
        unsafe = unsafe[:-1] if unsafe.endswith("_") else unsafe
        name = python_identifier(f"{method}_{unsafe}")
    # The module file name is PythonIdentifier(endpoint.name) again.
    return python_identifier(name)


def operation_tag(operation: dict[str, Any]) -> str:
    """The `api.<tag>` subpackage the generator puts the operation in (first tag only)."""
    tags = operation.get("tags") or ["default"]
    return python_identifier(str(tags[0]), prefix="tag")


# ---------------------------------------------------------------- schemas


class _Doc:
    """Resolves `$ref`s inside one doc (OpenAPI 3 or, before the fixes convert it, Swagger 2)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.swagger2 = str(doc.get("swagger", "")).startswith("2")

    def resolve(self, node: Any, seen: tuple[str, ...] = ()) -> tuple[Any, tuple[str, ...]]:
        """Follow `$ref` chains; returns the target and the refs followed (for cycle checks)."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            ref = node["$ref"]
            if ref in seen:
                return {"x-recursive": True}, seen
            seen = (*seen, ref)
            node = self._pointer(ref)
            hops += 1
        return node, seen

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return {}  # external refs: nothing we can inventory
        node: Any = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return {}
            node = node[part]
        return node


# The Python types openapi-python-client 0.29 gives schema types and formats:
# the lock records what callers see, so a format that changes nothing
# (e.g. "email") changes nothing here either.
_STRING_FORMATS = {"date-time": "datetime", "date": "date", "uuid": "UUID", "binary": "File"}
_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None", "object": "object"}


def _scalar_type(schema: dict[str, Any]) -> str:
    raw = schema.get("type")
    types = [t for t in raw if isinstance(t, str)] if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    if schema.get("nullable") is True and "null" not in types and types:
        types.append("null")
    if not types:
        if "properties" in schema or "additionalProperties" in schema:
            types = ["object"]
        elif "items" in schema:
            types = ["array"]
        else:
            return "Any"
    fmt = schema.get("format")
    rendered = []
    for t in types:
        if t == "string" and isinstance(fmt, str) and fmt in _STRING_FORMATS:
            rendered.append(_STRING_FORMATS[fmt])
        else:
            rendered.append(_TYPES.get(t, t))  # unknown types stay visible as written
    return "|".join(dict.fromkeys(rendered))


def _merge_variants(doc: _Doc, schema: dict[str, Any], seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Fold allOf/oneOf/anyOf into one schema: properties united, required per the combinator."""
    if not any(k in schema for k in ("allOf", "oneOf", "anyOf")):
        return schema, seen
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")}
    props: dict[str, list[Any]] = {}
    required: set[str] = set(merged.get("required") or [])
    types: list[str] = []
    enums: list[Any] = []
    for key, must_all in (("allOf", False), ("oneOf", True), ("anyOf", True)):
        parts = schema.get(key)
        if not isinstance(parts, list):
            continue
        variant_required: list[set[str]] = []
        for part in parts:
            resolved, part_seen = doc.resolve(part, seen)
            if not isinstance(resolved, dict):
                continue
            resolved, part_seen = _merge_variants(doc, resolved, part_seen)
            for name, sub in (resolved.get("properties") or {}).items():
                props.setdefault(name, []).append(sub)
            req = set(resolved.get("required") or [])
            if must_all:
                variant_required.append(req)
            else:
                required |= req
            if "items" in resolved and "items" not in merged:
                merged["items"] = resolved["items"]
            if "enum" in resolved:
                enums.extend(resolved["enum"])
            if resolved.get("type") or resolved.get("properties"):
                types.append(_scalar_type(resolved))
        if variant_required:
            required |= set.intersection(*variant_required)
    for name, sub in (merged.get("properties") or {}).items():
        props.setdefault(name, []).insert(0, sub)
    if props:
        merged["properties"] = {name: subs[0] if len(subs) == 1 else {"anyOf": subs} for name, subs in props.items()}
    if required:
        merged["required"] = sorted(required)
    if enums and "enum" not in merged:
        merged["enum"] = enums
    if "type" not in merged and types:
        distinct = sorted(set(types))
        merged["type"] = distinct[0] if len(distinct) == 1 else None
        merged["x-types"] = "|".join(distinct)
    return merged, seen


def _type_of(schema: dict[str, Any]) -> str:
    if schema.get("x-recursive"):
        return "object"  # a schema that contains itself: stop here
    if schema.get("type") is None and "x-types" in schema:
        return str(schema["x-types"])
    return _scalar_type(schema)


def _enum_values(schema: dict[str, Any]) -> list[Any] | None:
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    unique = {json.dumps(v, sort_keys=True): v for v in values}
    return [unique[k] for k in sorted(unique)]


def _describe(
    doc: _Doc, node: Any, seen: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """(fact record, merged schema, refs seen) for a schema node."""
    schema, seen = doc.resolve(node, seen)
    if not isinstance(schema, dict):
        return {"type": "Any"}, {}, seen
    schema, seen = _merge_variants(doc, schema, seen)
    fact: dict[str, Any] = {"type": _type_of(schema)}
    parts = fact["type"].split("|")
    if "array" in parts:
        items, _, _ = _describe(doc, schema.get("items", {}), seen)
        fact["type"] = "|".join(f"list[{items['type']}]" if p == "array" else p for p in parts)
        if "enum" in items:
            fact["enum"] = items["enum"]
    enum = _enum_values(schema)
    if enum is not None:
        fact["enum"] = enum
    return fact, schema, seen


def flatten_fields(doc: _Doc, node: Any) -> dict[str, dict[str, Any]]:
    """Every field under a schema as {dotted.path: {"type", "required", ["enum"]}}."""
    out: dict[str, dict[str, Any]] = {}

    def walk(schema: dict[str, Any], prefix: str, depth: int, seen: tuple[str, ...]) -> None:
        if depth >= MAX_FIELD_DEPTH:
            return
        if len(out) > MAX_FIELDS:
            origin = node.get("$ref") if isinstance(node, dict) else None
            raise SchemaTooLarge(
                f"schema {origin or '(inline)'} expands to more than {MAX_FIELDS} fields (reached {prefix or 'its top'}"
                f"{', via ' + ' -> '.join(seen[-3:]) if seen else ''}): its $refs fan out; simplify the schema"
            )
        if "properties" not in schema and isinstance(schema.get("items"), dict):
            # array: fields of its items live under `prefix[]`
            _, items, items_seen = _describe(doc, schema["items"], seen)
            walk(items, f"{prefix}[]", depth, items_seen)
            return
        required = set(schema.get("required") or [])
        for name, sub in sorted((schema.get("properties") or {}).items()):
            fact, sub_schema, sub_seen = _describe(doc, sub, seen)
            path = f"{prefix}.{name}" if prefix else name
            out[path] = {**fact, "required": name in required}
            walk(sub_schema, path, depth + 1, sub_seen)

    _, top, seen = _describe(doc, node)
    walk(top, "", 0, seen)
    return out


# ---------------------------------------------------------------- operations


def _parameters(doc: _Doc, path_item: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """Path-item parameters overridden by the operation's, by (in, name)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
        param, _ = doc.resolve(raw)
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            merged[(str(param.get("in")), param["name"])] = param
    return list(merged.values())


def _param_schema(param: dict[str, Any]) -> Any:
    if "schema" in param:
        return param["schema"]
    if isinstance(param.get("content"), dict) and param["content"]:
        first = next(iter(param["content"].values()))
        return first.get("schema", {}) if isinstance(first, dict) else {}
    return param  # Swagger 2: the type lives on the parameter itself


def _python_names(params: list[dict[str, Any]]) -> list[str]:
    """Keyword names, with the generator's conflict rules (reserved names, same name in two places)."""
    names = [python_identifier(parameter_keyword_source(p["name"])) for p in params]
    for i, p in enumerate(params):
        if names[i] in ("client", "url"):
            names[i] = python_identifier(f"{names[i]}_{p.get('in')}")
    for i, p in enumerate(params):
        clashes = [j for j in range(len(params)) if j != i and names[j] == names[i]]
        for j in clashes:
            if params[j].get("in") != p.get("in"):
                names[i] = python_identifier(f"{names[i]}_{p.get('in')}")
                names[j] = python_identifier(f"{names[j]}_{params[j].get('in')}")
            else:
                names[i] = python_identifier(p["name"], skip_snake_case=True)
                names[j] = python_identifier(params[j]["name"], skip_snake_case=True)
    return names


def _media_types(content: Any) -> list[str]:
    return sorted(content) if isinstance(content, dict) else []


def _content_schema(content: Any) -> Any:
    """The schema to inventory: the JSON media type's, else the first one that has a schema."""
    if not isinstance(content, dict):
        return None
    ordered = sorted(content.items(), key=lambda kv: (not _JSON_MEDIA.match(kv[0].split(";")[0].strip()), kv[0]))
    for _, media in ordered:
        if isinstance(media, dict) and "schema" in media:
            return media["schema"]
    return None


def _operation_facts(
    doc: _Doc, method: str, path: str, path_item: dict[str, Any], op: dict[str, Any]
) -> dict[str, Any]:
    params = _parameters(doc, path_item, op)
    body_params = [p for p in params if p.get("in") in ("body", "formData")]
    params = [p for p in params if p.get("in") not in ("body", "formData")]
    # The path template decides the path parameters: a placeholder nobody
    # declared is still an argument of the call (recorded as undeclared); a
    # declared path parameter missing from the template cannot be generated.
    placeholders = _PATH_PARAM.findall(path)
    declared = {p["name"] for p in params if p.get("in") == "path"}
    params = [p for p in params if p.get("in") != "path" or p["name"] in placeholders]
    params += [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "x-undeclared": True}
        for name in dict.fromkeys(placeholders)
        if name not in declared
    ]
    # The generator sorts path parameters in template order; keep the doc's order otherwise.
    order = _PATH_PARAM.findall(path)
    params.sort(key=lambda p: (p.get("in") != "path", order.index(p["name"]) if p["name"] in order else len(order)))
    python_names = _python_names(params)

    facts: dict[str, Any] = {
        "name": operation_name(method, path, op),
        "tag": operation_tag(op),
        "parameters": {},
    }
    records: dict[str, dict[str, Any]] = {}
    for position, (param, python_name) in enumerate(zip(params, python_names, strict=True)):
        fact, _, _ = _describe(doc, _param_schema(param))
        record: dict[str, Any] = {
            "python_name": python_name,
            "required": bool(param.get("required")) or param.get("in") == "path",
            **fact,
        }
        if param.get("in") == "path":
            record["position"] = position
        if param.get("x-undeclared"):
            record["undeclared"] = True
        records[f"{param.get('in')} {param['name']}"] = record
    facts["parameters"] = dict(sorted(records.items()))

    consumes = op.get("consumes") or doc.doc.get("consumes") or ["application/json"]
    produces = op.get("produces") or doc.doc.get("produces") or ["application/json"]
    body: dict[str, Any] | None = None
    raw_body, _ = doc.resolve(op.get("requestBody"))
    if isinstance(raw_body, dict):
        content = raw_body.get("content")
        body = {
            "content_types": _media_types(content),
            "required": bool(raw_body.get("required")),
            "fields": flatten_fields(doc, _content_schema(content) or {}),
        }
    elif body_params:  # Swagger 2 body / formData parameters
        body_param = next((p for p in body_params if p.get("in") == "body"), None)
        if body_param is not None:
            body = {
                "content_types": sorted(consumes),
                "required": bool(body_param.get("required")),
                "fields": flatten_fields(doc, body_param.get("schema", {})),
            }
        else:
            form = {p["name"]: {**_describe(doc, p)[0], "required": bool(p.get("required"))} for p in body_params}
            body = {
                "content_types": sorted(c for c in consumes if "form" in c) or ["application/x-www-form-urlencoded"],
                "required": any(f["required"] for f in form.values()),
                "fields": dict(sorted(form.items())),
            }
    facts["body"] = body

    responses: dict[str, Any] = {}
    for status, raw_response in sorted((op.get("responses") or {}).items(), key=lambda kv: str(kv[0])):
        response, _ = doc.resolve(raw_response)
        if not isinstance(response, dict):
            continue
        if doc.swagger2:
            types = sorted(produces) if "schema" in response else []
            schema = response.get("schema")
        else:
            types = _media_types(response.get("content"))
            schema = _content_schema(response.get("content"))
        entry: dict[str, Any] = {"content_types": types}
        if str(status).startswith("2") and schema is not None:
            top, _, _ = _describe(doc, schema)
            entry["type"] = top["type"]
            fields = flatten_fields(doc, schema)
            if fields:
                entry["fields"] = fields
        responses[str(status)] = entry
    facts["responses"] = responses
    return facts


def _python_path(path: str, parameters: dict[str, Any]) -> str:
    """The path as the generated code writes it: placeholders by their Python names.

    Keying operations by this keeps a respelled path parameter (`{appId}` ->
    `{app_id}`) to a one-line change in the lock diff.
    """
    names = {key.partition(" ")[2]: str(p["python_name"]) for key, p in parameters.items() if key.startswith("path ")}
    return _PATH_PARAM.sub(lambda m: "{" + names.get(m.group(1), str(m.group(1))) + "}", path)


def inventory(fixed_doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"METHOD /path": facts} for every operation of a (fixed) doc; path placeholders by Python name."""
    doc = _Doc(fixed_doc)
    operations: dict[str, dict[str, Any]] = {}
    for path, path_item in (fixed_doc.get("paths") or {}).items():
        path_item, _ = doc.resolve(path_item)
        if not isinstance(path_item, dict):
            continue
        for method in HTTP_METHODS:
            op = path_item.get(method)
            if isinstance(op, dict):
                try:
                    facts = _operation_facts(doc, method, path, path_item, op)
                except SchemaTooLarge as exc:
                    raise SchemaTooLarge(f"{method.upper()} {path}: {exc}") from None
                operations[f"{method.upper()} {_python_path(path, facts['parameters'])}"] = facts
    return dict(sorted(operations.items(), key=lambda kv: (kv[0].split(" ", 1)[1], kv[0])))


_VERSION_KEY = re.compile(rb'"(swagger|openapi)"\s*:\s*"([^"]*)"')


def spec_version(raw: bytes) -> str:
    """The doc's own declared version, before any fix: "swagger 2.0", "openapi 3.0.1".

    Read with a pattern, not a second parse of a doc that can be megabytes:
    only the top-level object has these keys in Swagger/OpenAPI documents.
    """
    match = _VERSION_KEY.search(raw)
    return f"{match.group(1).decode()} {match.group(2).decode()}" if match else "unknown"


def doc_entry(package: str, file: str, raw: bytes, fixed_doc: dict[str, Any]) -> dict[str, Any]:
    """The lock entry of one doc: hash and version of the raw doc, inventory of the fixed one."""
    try:
        operations = inventory(fixed_doc)
    except SchemaTooLarge as exc:
        raise SchemaTooLarge(f"{package} ({file}): {exc}") from None
    return {
        "file": file,
        "package": package,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "spec": spec_version(raw),
        "operations": operations,
    }


def build_lock(entries: dict[str, dict[str, Any]], pipeline: dict[str, Any]) -> dict[str, Any]:
    """The whole lock: format, pipeline (generator, fingerprint) and docs by package."""
    return {
        "format": LOCK_FORMAT,
        "pipeline": dict(sorted(pipeline.items())),
        "docs": {package: _normalized(entries[package]) for package in sorted(entries)},
    }


def with_models(lock: dict[str, Any], models: dict[str, list[str]]) -> dict[str, Any]:
    """`lock` with each doc's model class names ({package: names}, read from the generated tree).

    The inventory comes from the fixed doc before generating; the class names only the
    generator knows (merge-models and its naming shape them), so they join the entry after.
    """
    entries = {p: {**e, "models": models[p]} if p in models else e for p, e in (lock.get("docs") or {}).items()}
    return build_lock(entries, lock.get("pipeline") or {})


def reusable_entry(
    old_lock: dict[str, Any] | None, package: str, raw_sha256: str, pipeline: dict[str, Any]
) -> dict[str, Any] | None:
    """The old lock's entry for `package` if nothing that shapes it changed, else None.

    Lets a no-op regenerate skip the fixes and the inventory of unchanged docs.
    Safe as long as the pipeline fingerprint covers this module (it shapes the
    entry as much as the fixes do).
    """
    if not old_lock or old_lock.get("format") != LOCK_FORMAT or old_lock.get("pipeline") != pipeline:
        return None
    entry = (old_lock.get("docs") or {}).get(package)
    return entry if isinstance(entry, dict) and entry.get("sha256") == raw_sha256 else None


_ENTRY_KEYS = ("file", "package", "sha256", "spec", "models", "operations")
_OPERATION_KEYS = ("name", "tag", "parameters", "body", "responses")


def _normalized(entry: dict[str, Any]) -> dict[str, Any]:
    """A doc entry in canonical key order (entries carried over from an old lock may be reordered)."""
    ops = entry.get("operations") or {}
    return {
        **{k: entry[k] for k in _ENTRY_KEYS if k in entry and k != "operations"},
        **{k: v for k, v in sorted(entry.items()) if k not in _ENTRY_KEYS},
        "operations": {key: {**{k: op[k] for k in _OPERATION_KEYS if k in op}, **op} for key, op in ops.items()},
    }


# ---------------------------------------------------------------- file I/O


def read_lock(path: Path) -> dict[str, Any] | None:
    """The lock at `path`, or None when there is none yet."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LockError(f"{path}: cannot read the lock ({exc.strerror}).") from None
    try:
        lock = json.loads(text)
    except ValueError as exc:
        raise LockError(
            f"{path}: not valid JSON ({exc}). Restore it from git (`git checkout -- {path.name}`) "
            "or delete it and regenerate to write a fresh one."
        ) from None
    if not isinstance(lock, dict) or not isinstance(lock.get("docs"), dict):
        raise LockError(
            f'{path}: not a piwik-pro lock (no "docs" object). Restore it from git or delete it and regenerate.'
        )
    # Another `format` is read all the same: compare() reports it as one
    # change instead of a diff of incomparable inventories, and regenerate
    # rewrites the lock.
    return lock


def dumps_lock(lock: dict[str, Any]) -> str:
    """Stable text: 2-space indent, each leaf record on one line, trailing newline.

    Key order is the builder's (`build_lock`, `doc_entry`: facts first, then
    sorted collections), so the same docs always give the same bytes.
    """
    return _render(lock, 0) + "\n"


_INLINE_WIDTH = 160


def _is_leaf(value: Any) -> bool:
    """A record of scalars (lists of scalars allowed): rendered on one line."""
    if isinstance(value, dict):
        return all(
            not isinstance(v, dict) and (not isinstance(v, list) or all(not isinstance(x, dict | list) for x in v))
            for v in value.values()
        )
    return False


def _render(value: Any, level: int) -> str:
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if level > 0 and _is_leaf(value):
            inline = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
            if len(inline) <= _INLINE_WIDTH:
                return inline
            value = dict(sorted(value.items()))
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_render(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        if len(inline) <= _INLINE_WIDTH // 2 and all(not isinstance(x, dict | list) for x in value):
            return inline
        return "[\n" + ",\n".join(f"{pad}{_render(v, level + 1)}" for v in value) + "\n" + "  " * level + "]"
    return json.dumps(value, ensure_ascii=False)


def write_lock(path: Path, lock: dict[str, Any]) -> None:
    """Write atomically: a temp file in the same folder, then os.replace."""
    path = Path(path)
    text = dumps_lock(lock)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

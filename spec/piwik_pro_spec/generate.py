"""Run openapi-python-client 0.29.1 on one fixed doc into `piwik_pro_api.<package>`.

We drive the generator through its Python API (not its CLI) so that:
- every doc becomes a subpackage of one import root, reusing the root's
  shared `types.py` and `errors.py` instead of 28 copies;
- `models/__init__`, `api/__init__` and the tag packages are lazy, and endpoint
  and model modules import other models only when they run (import time);
- each operation's Accept header and the `_index.py` facts come from the same
  parse the code is rendered from;
- every generator warning (a dropped operation, response or schema) is
  returned to the caller, which fails the session on it.

This module runs in worker processes; it must stay importable without side effects.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = SPEC_DIR / "templates"
GENERATOR_CONFIG = SPEC_DIR / "generator.yaml"
FIXES_DIR = Path(__file__).resolve().parent / "fixes"
GENERATOR = "openapi-python-client"
GENERATOR_VERSION = "0.29.1"
ROOT_PACKAGE = "piwik_pro_api"

_JSON_API = "application/vnd.api+json"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class GenerationError(Exception):
    """The generator could not produce a doc's package; the message names the doc and the cause."""


@dataclass
class DocResult:
    package: str
    title: str
    operations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # generator warnings: dropped pieces
    fatal: str | None = None  # the doc produced no package at all


def pipeline_fingerprint() -> str:
    """sha256 over every input besides the docs that shapes the output or the lock.

    Fixes code, templates, generator config, generate.py, lock.py,
    sources.toml and the generator version: change any of them and every doc
    is regenerated.
    """
    digest = hashlib.sha256()
    digest.update(f"{GENERATOR} {GENERATOR_VERSION}\n".encode())
    here = Path(__file__).resolve().parent
    # generate.py renders the code, lock.py shapes the lock entries, sources.toml the index.
    files = [GENERATOR_CONFIG, here / "generate.py", here / "generator_patches.py", here / "lock.py"]
    files.append(here / "sources.toml")
    files += sorted(p for p in FIXES_DIR.rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted(p for p in TEMPLATES_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(SPEC_DIR).as_posix().encode() + b"\0")
        # Normalise line endings so a Windows checkout gives the same lock.
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


# --- facts from the fixed doc -------------------------------------------------


def _media_types(content: Any) -> list[str]:
    return [str(k) for k in content] if isinstance(content, dict) else []


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (one level is all responses and bodies need)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 10:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node = target
        seen += 1
    return node


def _prefer(media: list[str]) -> str | None:
    """JSON:API over plain JSON over anything else the doc names."""
    if not media:
        return None
    if _JSON_API in media:
        return _JSON_API
    for m in media:
        if m == "application/json" or m.endswith("+json"):
            return m
    return media[0]


_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _path_item(doc: dict[str, Any], path: str) -> Any:
    """The doc's path item for the generator's path (which spells placeholders as Python names: {user_id})."""
    paths = doc.get("paths", {})
    if path in paths:
        return paths[path]
    shape = _PLACEHOLDER.sub("{}", path)
    return next((item for key, item in sorted(paths.items()) if _PLACEHOLDER.sub("{}", key) == shape), {})


def _operation_facts(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    item = _path_item(doc, path)
    op = item.get(method, {}) if isinstance(item, dict) else {}
    responses = op.get("responses", {}) if isinstance(op, dict) else {}
    success: list[int] = []
    success_media: list[str] = []
    other_media: list[str] = []
    for code, response in responses.items():
        media = _media_types((_resolve(doc, response) or {}).get("content"))
        code_s = str(code)
        if code_s.isdigit() and 200 <= int(code_s) < 300:
            success.append(int(code_s))
            success_media += [m for m in media if m not in success_media]
        elif code_s.upper() == "2XX":
            success_media += [m for m in media if m not in success_media]
        else:
            other_media += [m for m in media if m not in other_media]
    summary = str(op.get("summary") or op.get("description") or "").strip()
    return {
        "accept": _prefer(success_media) or _prefer(other_media),
        "success_status": sorted(success),
        "summary": summary.splitlines()[0].strip() if summary else "",
    }


def _pagination(query_names: list[str]) -> str | None:
    names = {n.lower() for n in query_names}
    if ({"offset", "limit"} <= names) or ({"page[offset]", "page[limit]"} <= names):
        return "offset_limit"
    if "page" in names and names & {"size", "page_size", "per_page", "limit"}:
        return "page"
    return None


# --- what a success is --------------------------------------------------------


def _success_responses(endpoint: Any) -> list[Any]:
    """The documented 2xx responses (a `default` stands for them when the doc lists none)."""
    found = [
        r
        for r in endpoint.responses.patterns
        if r.status_code.range is not None and r.status_code.range[0] >= 200 and r.status_code.range[1] <= 299
    ]
    if not found and endpoint.responses.default is not None:
        found = [endpoint.responses.default]
    return found


def _status_range(response: Any) -> tuple[int, int]:
    return response.status_code.range or (200, 299)


def _success_facts(endpoint: Any) -> dict[str, Any]:
    """What the templates need to accept only a documented success (see piwik_pro._responses)."""
    responses = _success_responses(endpoint)
    codes = sorted({low for low, high in map(_status_range, responses) if low == high})
    spans = sorted({(low, high) for low, high in map(_status_range, responses) if low != high})
    if spans:
        parts = [f"*range({low}, {high + 1})" for low, high in spans] + [str(c) for c in codes]
        statuses = f"frozenset(({', '.join(parts)},))"
    else:
        statuses = "(" + "".join(f"{c}, " for c in codes).rstrip(" ") + ")"
    types: set[str] = set()
    bodies: list[str] = []
    for response in sorted(responses, key=_status_range):
        attribute = response.source["attribute"]
        types.add("None" if attribute == "None" else _s(response.prop.get_type_string()))
        content = getattr(response.data, "content", None) or {}
        media = tuple(sorted(_s(m) for m in content)) if attribute != "None" else ()
        text = attribute in ("response.json()", "response.text")
        low, high = _status_range(response)
        bodies.append(f"({low}, {high}, {media!r}, {text})")
    ordered = sorted(types - {"None"}) + (["None"] if "None" in types else [])
    return {
        "success_responses": sorted(responses, key=_status_range),
        "success_statuses": statuses,
        "success_bodies": "(" + "".join(f"{b}, " for b in bodies).rstrip(" ") + ")",
        "success_type": " | ".join(ordered) or "None",
        "success_codes": codes or [c for low, high in spans for c in (low,)],
    }


def _page_item(endpoint: Any, model_cls: Any) -> tuple[str, set[str]] | None:
    """(type, imports) of the items a list operation's success carries in `data` (or as a list)."""
    from openapi_python_client.parser.properties import ListProperty

    responses = [r for r in _success_responses(endpoint) if r.source["attribute"] != "None"]
    if len(responses) != 1:
        return None
    prop = responses[0].prop
    if isinstance(prop, model_cls):
        data = next((p for p in (*prop.required_properties, *prop.optional_properties) if _s(p.name) == "data"), None)
        prop = data
    if not isinstance(prop, ListProperty):
        return None
    inner = prop.inner_property
    imports = set(inner.get_imports(prefix=".")) | set(inner.get_lazy_imports(prefix="."))
    return _s(inner.get_type_string(no_optional=True)), imports


# --- rendering ----------------------------------------------------------------

_TYPES_IMPORT = re.compile(r"^from (\.+)types import ")
_MODELS_IMPORT = re.compile(r"^from \.+models\.(\w+) import ")


def _reroot_types(imports: set[str]) -> set[str]:
    """`types` lives once at the root: one more leading dot than the stock layout."""
    return {_TYPES_IMPORT.sub(lambda m: f"from {m.group(1)}.types import ", i) for i in imports}


def _split_model_imports(imports: set[str], enum_modules: set[str]) -> tuple[set[str], set[str]]:
    """(eager, lazy): enum modules stay eager (cheap, and used in default values)."""
    eager: set[str] = set()
    lazy: set[str] = set()
    for imp in imports:
        m = _MODELS_IMPORT.match(imp)
        (lazy if m and m.group(1) not in enum_modules else eager).add(imp)
    return eager, lazy


@dataclass
class TypedDictSpec:
    """The plain-JSON twin of a model: `XDict`, a TypedDict rendered beside class `X` (model.py.jinja).

    `fields` are (JSON key, type expression, required); `alias` is set instead
    for a model that is only a map (no declared properties). Type expressions
    are quoted in the rendered code: they name other modules' TypedDicts, which
    are imported for type checkers only.
    """

    name: str
    fields: list[tuple[str, str, bool]] = field(default_factory=list)
    alias: str | None = None
    imports: set[str] = field(default_factory=set)  # under TYPE_CHECKING

    @property
    def entries(self) -> list[tuple[str, str]]:
        """(key, type) as Python string literals, optional keys wrapped in NotRequired."""
        return [(repr(key), repr(tp if required else f"NotRequired[{tp}]")) for key, tp, required in self.fields]

    @property
    def alias_code(self) -> str:
        return repr(self.alias)

    @property
    def uses_not_required(self) -> bool:
        return any(not required for _, _, required in self.fields)


_SCALARS = {
    "StringProperty": "str",
    "DateTimeProperty": "str",
    "DateProperty": "str",
    "UuidProperty": "str",
    "IntProperty": "int",
    "FloatProperty": "float",
    "BooleanProperty": "bool",
    "NoneProperty": "None",
}


def _json_type(prop: Any, here: str, imports: set[str]) -> str:
    """The JSON-shaped type of a property: what a dict body holds where the model holds `prop`."""
    kind = type(prop).__name__
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "EnumProperty":
        return "Literal[" + ", ".join(repr(v) for v in prop.values.values()) + "]"
    if kind == "LiteralEnumProperty":
        return "Literal[" + ", ".join(repr(v) for v in sorted(prop.values, key=repr)) + "]"
    if kind == "ConstProperty":
        return f"Literal[{prop.value.raw_value!r}]"
    if kind == "ModelProperty":
        name, module = f"{_s(prop.class_info.name)}Dict", _s(prop.class_info.module_name)
        if module != here:
            imports.add(f"from .{module} import {name}")
        return name
    if kind == "ListProperty":
        return f"list[{_json_type(prop.inner_property, here, imports)}]"
    if kind == "UnionProperty":
        members = dict.fromkeys(_json_type(p, here, imports) for p in prop.inner_properties)
        for widest in ("Any", "JSONValue"):
            if widest in members:
                return widest
        return " | ".join(members)
    if kind == "JSONValueProperty":  # an untyped schema (generator_patches.json_values)
        return "JSONValue"
    if kind == "FileProperty":  # a multipart part: from_dict wraps the bytes in a File
        return "bytes"
    return "Any"  # a schema kind this does not know (none in the docs: tests/pipeline checks)


def _body_models(prop: Any) -> tuple[str, list[Any]] | None:
    """('model' | 'list' | 'union', the models) for a body a plain dict can stand for, else None."""
    kind = type(prop).__name__
    if kind == "ModelProperty":
        return "model", [prop]
    if kind == "ListProperty" and type(prop.inner_property).__name__ == "ModelProperty":
        return "list", [prop.inner_property]
    if kind == "UnionProperty" and all(type(p).__name__ == "ModelProperty" for p in prop.inner_properties):
        return "union", list(prop.inner_properties)
    return None


def dict_body_type(prop: Any) -> str:
    """What a body parameter takes besides the model (endpoint_macros.arguments): `XDict`, '' if nothing."""
    found = _body_models(prop)
    if found is None:
        return ""
    kind, models = found
    names = [f"{_s(m.class_info.name)}Dict" for m in models]
    return f"list[{names[0]}]" if kind == "list" else " | ".join(names)


def dict_body_code(prop: Any) -> str:
    """Statements turning a dict body into the model (endpoint_macros.body_to_kwarg); from_dict
    raises piwik_pro.BodyValidationError, so a wrong dict is refused before anything is sent."""
    found = _body_models(prop)
    if found is None:
        return ""
    kind, models = found
    names = [_s(m.class_info.name) for m in models]
    if kind == "list":
        return (
            f"if isinstance(body, list):\n"
            f"    body = [{names[0]}.from_dict(item) if isinstance(item, dict) else item for item in body]"
        )
    if kind == "union":
        return (
            "if isinstance(body, dict):\n"
            "    from piwik_pro._errors import BodyValidationError  # noqa: PLC0415\n\n"
            f"    body = BodyValidationError.best_fit(body, ({', '.join(names)},))"
        )
    return f"if isinstance(body, dict):\n    body = {names[0]}.from_dict(body)"


def _dict_body_imports(endpoint: Any) -> set[str]:
    """`from ...models.x import XDict` for the body's dict types (annotations only)."""
    imports: set[str] = set()
    for body in endpoint.bodies[:1]:
        found = _body_models(body.prop)
        for model in found[1] if found else []:
            module, name = _s(model.class_info.module_name), _s(model.class_info.name)
            imports.add(f"from ...models.{module} import {name}Dict")
    return imports


def typed_dict_spec(model: Any) -> TypedDictSpec:
    here = _s(model.class_info.module_name)
    spec = TypedDictSpec(name=f"{_s(model.class_info.name)}Dict")
    for prop in [*model.required_properties, *model.optional_properties]:
        spec.fields.append((_s(prop.name), _json_type(prop, here, spec.imports), bool(prop.required)))
    extra = model.additional_properties
    if not spec.fields:
        value = (
            "JSONValue" if extra is True or extra is None or extra is False else _json_type(extra, here, spec.imports)
        )
        spec.alias = f"dict[str, {value}]"
    return spec


_IMPORT_LINE = re.compile(r"^(from [\w.]+ import |import )([\w ,]+)$")
_WORD = re.compile(r"\b\w+\b")


def tidy_imports(source: str) -> str:
    """Drop the unused names and repeated lines of a rendered module's one-line imports.

    The stock headers import what any model might need (`BinaryIO`, `TextIO`, `Generator`,
    ...) and the relative imports repeat the template's own; in ~1,500 modules that is
    wheel weight and editor noise. A name is kept if its word occurs anywhere else in the
    module, strings included (a TypedDict's functional syntax names types in strings), so
    the rule can keep too much but never drops a use. Only lines a parser could not
    misread are touched: one line, no parentheses, no `__future__`.
    """
    lines = source.split("\n")
    parsed = {
        i: m for i, line in enumerate(lines) if "__future__" not in line and (m := _IMPORT_LINE.match(line.strip()))
    }
    words = {word for i, line in enumerate(lines) if i not in parsed for word in _WORD.findall(line)}
    seen: set[tuple[str, str]] = set()  # (module, name) a module-level line imported already
    out: list[str] = []
    for i, line in enumerate(lines):
        match = parsed.get(i)
        if match is None:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        head, names = match.groups()
        kept = []
        for item in (n.strip() for n in names.split(",")):
            bound = item.split(" as ")[-1].strip().split(".")[0]
            # A repeat counts only at module level: in a block (a function) it is that block's import.
            if not item or bound not in words or (not indent and (head, item) in seen):
                continue
            if not indent:
                seen.add((head, item))
            kept.append(item)
        if kept:
            out.append(f"{indent}{head}{', '.join(kept)}")
    # An `if TYPE_CHECKING:` whose imports all went is left with no body: drop it.
    bodies = [j for j, line in enumerate(out) if line.strip()]
    empty = {
        j
        for j, k in zip(bodies, [*bodies[1:], len(out)], strict=True)
        if out[j].strip() == "if TYPE_CHECKING:"
        and (k == len(out) or len(out[k]) - len(out[k].lstrip()) <= len(out[j]) - len(out[j].lstrip()))
    }
    tidied = "\n".join(line for j, line in enumerate(out) if j not in empty)
    return tidy_imports(tidied) if empty else tidied  # TYPE_CHECKING itself may be unused now


def _lazy_package_init(doc_line: str, names: dict[str, str], typing_imports: list[str], twin_suffix: str = "") -> str:
    """A package `__init__` that imports `names` {attribute: relative module} on first access.

    With `twin_suffix`, `<name><suffix>` is found beside `<name>` too (a model's `XDict`)
    without being listed: the tags doc's models `__init__` would double in size.
    """
    lines = [f'"""{doc_line}"""', "", "from __future__ import annotations", "", "from typing import TYPE_CHECKING"]
    if typing_imports:
        lines += ["", "if TYPE_CHECKING:"] + [f"    {i}" for i in typing_imports]
    lines += ["", "_LAZY = {"] + [f'    "{k}": "{v}",' for k, v in sorted(names.items())] + ["}"]
    lines += ["", "__all__ = (" + "".join(f'"{k}", ' for k in sorted(names)) + ")"]
    lines += [
        "",
        "",
        "def __getattr__(name: str) -> object:",
        "    try:",
        f"        own = name in _LAZY or not name.endswith({twin_suffix!r})\n"
        f"        module = _LAZY[name if own else name[: -len({twin_suffix!r})]]"
        if twin_suffix
        else "        module = _LAZY[name]",
        "    except KeyError:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None',
        "    from importlib import import_module",
        "",
        '    target = import_module(f"{__name__}.{module}")',
        "    value = target if module == name else getattr(target, name)",
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return sorted(set(globals()) | set(__all__))",
        "",
    ]
    return "\n".join(lines)


def _load_config(output: Path) -> Any:
    from openapi_python_client.config import Config, ConfigFile, MetaType

    meta: Any = MetaType.NONE  # no pyproject/README: the package is part of ours
    return Config.from_sources(
        ConfigFile.load_from_path(GENERATOR_CONFIG),
        meta,
        document_source=output,
        file_encoding="utf-8",
        overwrite=True,
        output_path=output,
    )


def _fast_endpoint_copy(endpoint: Any) -> Any:
    """Stand-in for the `deepcopy(endpoint)` calls of the 0.29.1 parser (a third of its time).

    Those calls only protect the endpoint's own containers, and the parameter
    properties `set_python_name` renames, from being mutated; the response and
    schema data below them is never written to. Copying exactly those gives
    the same result; tests/pipeline checks the output is identical.
    """
    import copy

    from openapi_python_client.parser.openapi import Endpoint
    from openapi_python_client.parser.responses import Responses

    if not isinstance(endpoint, Endpoint):
        return copy.deepcopy(endpoint)
    new = copy.copy(endpoint)
    new.relative_imports = set(endpoint.relative_imports)
    new.tags = list(endpoint.tags)
    for name in ("query_parameters", "path_parameters", "header_parameters", "cookie_parameters"):
        setattr(new, name, [copy.copy(p) for p in getattr(endpoint, name)])
    new.responses = Responses(patterns=list(endpoint.responses.patterns), default=endpoint.responses.default)
    new.bodies = list(endpoint.bodies)
    new.errors = list(endpoint.errors)
    return new


def _speed_up_generator(enabled: bool) -> None:
    import copy

    from openapi_python_client.parser import openapi

    setattr(openapi, "deepcopy", _fast_endpoint_copy if enabled else copy.deepcopy)  # noqa: B010


def generate_doc(package: str, accessor: str, doc_json: bytes, out_root: Path, *, fast: bool = True) -> DocResult:
    """Render `doc_json` (a fixed OpenAPI 3 doc) into out_root/piwik_pro_api/<package>/.

    Never raises for a bad doc: a doc the generator rejects (or crashes on)
    comes back with `fatal` set, dropped pieces in `problems`.
    """
    try:
        return _generate_doc(package, accessor, doc_json, out_root, fast=fast)
    except Exception as exc:
        return DocResult(package=package, title=package, fatal=f"generator crashed: {type(exc).__name__}: {exc}"[:1500])


def _generate_doc(package: str, accessor: str, doc_json: bytes, out_root: Path, *, fast: bool) -> DocResult:
    from openapi_python_client import Project, strings
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.parser.errors import GeneratorError
    from openapi_python_client.parser.properties import ModelProperty

    from . import generator_patches

    _speed_up_generator(fast)
    generator_patches.apply()
    doc = json.loads(doc_json)
    title = str((doc.get("info") or {}).get("title") or package) if isinstance(doc, dict) else package
    result = DocResult(package=package, title=title)
    pkg_dir = out_root / ROOT_PACKAGE / package
    config = _load_config(pkg_dir)
    data = GeneratorData.from_dict(doc, config=config)
    if isinstance(data, GeneratorError):
        result.fatal = _describe(data)[:1500]
        return result

    generator_patches.rename_model_internals(data.models)
    generator_patches.json_values(data.models)
    clash = _readable_parameter_names(data, config)
    if clash:
        result.fatal = f"{package}: {clash}"
        return result

    project = Project(openapi=data, config=config, custom_template_path=TEMPLATES_DIR)
    env = project.env
    env.filters.update(generator_patches.template_filters())
    env.auto_reload = False  # templates do not change during a run: skip a stat() per `{% import %}`
    env.filters["url_expression"] = url_expression
    env.globals.update(dict_body_type=dict_body_type, dict_body_code=dict_body_code)
    if pkg_dir.exists():
        shutil.rmtree(pkg_dir)
    (pkg_dir / "models").mkdir(parents=True)
    (pkg_dir / "api").mkdir()

    # Models: types from the root, other models imported lazily (enums eagerly).
    enum_modules = {_s(e.class_info.module_name) for e in data.enums}
    model_exports: dict[str, str] = {}
    model_template = env.get_template("model.py.jinja")
    for model in data.models:
        imports = _reroot_types(set(model.relative_imports or ()))
        eager, lazy = _split_model_imports(imports, enum_modules)
        model.relative_imports = eager
        model.lazy_imports = set(model.lazy_imports or ()) | lazy
        module = _s(model.class_info.module_name)
        typed_dict = typed_dict_spec(model)
        (pkg_dir / "models" / f"{module}.py").write_text(
            tidy_imports(model_template.render(model=model, typed_dict=typed_dict)), encoding="utf-8"
        )
        model_exports[_s(model.class_info.name)] = module
    from openapi_python_client.parser.properties import LiteralEnumProperty

    for enum in data.enums:
        if isinstance(enum, LiteralEnumProperty):
            template = env.get_template("literal_enum.py.jinja")
        elif enum.value_type is int:
            template = env.get_template("int_enum.py.jinja")
        else:
            template = env.get_template("str_enum.py.jinja")
        module = _s(enum.class_info.module_name)
        (pkg_dir / "models" / f"{module}.py").write_text(tidy_imports(template.render(enum=enum)), encoding="utf-8")
        model_exports[_s(enum.class_info.name)] = module
    (pkg_dir / "models" / "__init__.py").write_text(
        _lazy_package_init(
            f"Models of {package}: each is imported on first access.",
            model_exports,
            [f"from .{m} import {n}" for n, m in sorted(model_exports.items())],
            twin_suffix="Dict",
        ),
        encoding="utf-8",
    )

    # Endpoints.
    endpoint_template = env.get_template(
        "endpoint_module.py.jinja",
        globals={"isbool": lambda obj: obj.get_base_type_string() == strings.PythonCode("bool")},
    )
    tags: dict[str, str] = {}
    resources: list[dict[str, Any]] = []
    resource_imports: set[str] = set()
    for tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        tag_dir = pkg_dir / "api" / str(tag)
        tag_dir.mkdir()
        tags[str(tag)] = str(tag)
        modules: dict[str, str] = {}
        for endpoint in collection.endpoints:
            name = str(strings.PythonIdentifier(endpoint.name, config.field_prefix))
            path = endpoint.path.get_untrusted_value()
            facts = _operation_facts(doc, path, endpoint.method)
            success = _success_facts(endpoint)
            if not facts["success_status"]:  # the parse knows the statuses even where the path lookup failed
                facts["success_status"] = success["success_codes"]
            eager, lazy = _split_model_imports(_reroot_types(set(endpoint.relative_imports)), enum_modules)
            lazy |= _dict_body_imports(endpoint)
            (tag_dir / f"{name}.py").write_text(
                tidy_imports(
                    endpoint_template.render(
                        endpoint=endpoint, accept=facts["accept"], eager_imports=eager, lazy_imports=lazy, **success
                    )
                ),
                encoding="utf-8",
            )
            modules[name] = name
            entry = _index_entry(package, accessor, str(tag), name, endpoint, facts, ModelProperty)
            result.operations.append(entry)
            item = _page_item(endpoint, ModelProperty) if entry["pagination"] else None
            # The body's TypedDict too: the resource method's signature names it.
            resource_imports.update(_resource_imports(set(endpoint.relative_imports) | _dict_body_imports(endpoint)))
            if item is not None:
                resource_imports.update(item[1])
            resources.append(
                {
                    "endpoint": endpoint,
                    "name": name,
                    "class_name": _camel(name),
                    "module": f".api.{tag}",
                    "qualified": f"{package}.{name}",
                    "summary": facts["summary"],
                    "success_type": success["success_type"],
                    "item_type": None if item is None else item[0],
                    "paginated": bool(entry["pagination"]),
                }
            )
        (tag_dir / "__init__.py").write_text(
            _lazy_package_init(f"Operations tagged {tag}: each module is imported on first access.", modules, []),
            encoding="utf-8",
        )
    (pkg_dir / "api" / "__init__.py").write_text(
        _lazy_package_init(f"Operations of {package}, by tag.", tags, []), encoding="utf-8"
    )
    eager_r, lazy_r = _split_model_imports(resource_imports, enum_modules)
    # Only the enums a default value names run at import time; the rest are annotations (TYPE_CHECKING).
    defaults = " ".join(
        _s(p.default.python_code)
        for r in resources
        for p in r["endpoint"].list_all_parameters()
        if getattr(p, "default", None) is not None
    )
    used = set(re.findall(r"\b\w+\b", defaults))
    annotation_only = {i for i in eager_r if _MODELS_IMPORT.match(i) and i.split(" import ")[-1] not in used}
    eager_r, lazy_r = eager_r - annotation_only, lazy_r | annotation_only
    resources.sort(key=lambda r: r["name"])
    (pkg_dir / "resources.py").write_text(
        tidy_imports(
            env.get_template("resources.py.jinja").render(
                package=package,
                accessor=accessor,
                title=title,
                class_name=resource_class(package),
                operations=resources,
                eager_imports=eager_r,
                lazy_imports=lazy_r,
            )
        ),
        encoding="utf-8",
    )
    (pkg_dir / "__init__.py").write_text(
        _lazy_package_init(
            f"Generated client for {package} ({ROOT_PACKAGE}._index.DOCS[{package!r}]).",
            {"api": "api", "models": "models"},
            [],
        ),
        encoding="utf-8",
    )

    for error in project._get_errors():
        result.problems.append(_describe(error))
    return result


def url_expression(endpoint: Any) -> str:
    """Python code for an endpoint's URL: the path's literal text as string literals, joined with quoted values.

    Never `str.format` on the doc's path: a stray brace in it (`/x/{id}/}{`) would make every call raise.
    The generator has already respelled each placeholder to its parameter's Python name.
    """
    path = str(endpoint.path.get_untrusted_value())
    names = {_s(p.python_name) for p in endpoint.path_parameters}
    parts: list[str] = []
    position = 0
    for match in re.finditer(r"\{([^{}]+)\}", path):
        if match.group(1) not in names:
            continue  # braces around something that is no parameter: literal text
        if match.start() > position:
            parts.append(_literal_path(path[position : match.start()]))
        parts.append(f"_path_segment({match.group(1)}, {match.group(1)!r})")
        position = match.end()
    if position < len(path) or not parts:
        parts.append(_literal_path(path[position:]))
    return " + ".join(parts)


def _literal_path(text: str) -> str:
    """A literal piece of the doc's path as a Python string literal, `?`, `#` and spaces percent-encoded:
    they belong to the path, not to a query or fragment."""
    from urllib.parse import quote

    return repr(quote(text, safe="/!$&'()*+,;=:@-._~%{}"))


def _readable_parameter_names(data: Any, config: Any) -> str | None:
    """Keywords with word breaks where the API's name has brackets: `filter[name]` -> `filter_name`.

    The generator glues such names (`filtername`); lock.parameter_keyword_source
    says where the words break, so the lock records the same keywords. The
    API's name goes at the front of the description (docstrings, editor
    hover). A parameter the generator renamed to settle a clash keeps its
    name. Returns what clashes when two parameters of an operation would share
    a keyword, else None.
    """
    from openapi_python_client.schema.untrusted_string import UntrustedString
    from openapi_python_client.strings import PythonIdentifier

    from .lock import parameter_keyword_source

    seen: set[int] = set()
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            if id(endpoint) in seen:
                continue
            seen.add(id(endpoint))
            params = [
                *endpoint.path_parameters,
                *endpoint.query_parameters,
                *endpoint.header_parameters,
                *endpoint.cookie_parameters,
            ]
            for param in params:
                name = _s(param.name)
                source = parameter_keyword_source(name)
                if source == name or param.python_name != PythonIdentifier(name, config.field_prefix):
                    continue
                old = str(param.python_name)
                param.set_python_name(new_name=UntrustedString(source), config=config)
                described = f"API name `{name}`. {_s(param.description or '')}".strip()
                object.__setattr__(param, "description", UntrustedString(described))
                if param in endpoint.path_parameters:
                    endpoint.path = UntrustedString(_s(endpoint.path).replace(f"{{{old}}}", f"{{{param.python_name}}}"))
            keywords: dict[str, str] = {"client": "(the client)", "body": "(the request body)"}
            for param in params:
                other = keywords.setdefault(str(param.python_name), _s(param.name))
                if other != _s(param.name):
                    return (
                        f"operation {_s(endpoint.name)}: parameters {other!r} and {_s(param.name)!r} "
                        f"both become the keyword {str(param.python_name)!r}; rename one in a per-doc patch"
                    )
    return None


_RELATIVE_IMPORT = re.compile(r"^from \.\.\.(models\.|types )")


def _resource_imports(imports: set[str]) -> set[str]:
    """An endpoint's imports as `<doc>/resources.py` spells them (`...models.x` -> `.models.x`)."""
    out: set[str] = set()
    for imp in imports:
        m = _RELATIVE_IMPORT.match(imp)
        if m is None:
            out.add(imp)
        elif m.group(1) == "types ":
            out.add("from ..types " + imp[m.end() :])
        else:
            out.add("from .models." + imp[m.end() :])
    return out


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def resource_class(package: str) -> str:
    """`tag_manager_tags` -> `TagManagerTagsResource` (its async twin is `AsyncTagManagerTagsResource`)."""
    return _camel(package) + "Resource"


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


def _describe(error: Any) -> str:
    # The generator formats some values as object reprs; they carry no information and vary per run.
    header = _OBJECT_REPR.sub("<?>", str(getattr(error, "header", "") or "").strip())
    detail = _OBJECT_REPR.sub("<?>", str(getattr(error, "detail", "") or "").strip().replace("\n", " "))
    level = str(getattr(getattr(error, "level", None), "value", "") or "")
    text = f"{level}: {header}" if level else header
    return f"{text} -- {detail}" if detail else text


def _s(value: Any) -> str:
    """Plain text of the generator's wrapper types (UntrustedString, PythonCode, identifiers)."""
    if hasattr(value, "get_untrusted_value"):
        return str(value.get_untrusted_value())
    if hasattr(value, "as_unembedded_code"):
        return str(value.as_unembedded_code())
    return str(value)


def _index_entry(
    package: str, accessor: str, tag: str, name: str, endpoint: Any, facts: dict[str, Any], model_cls: Any
) -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    for where, props in (
        ("path", endpoint.path_parameters),
        ("query", endpoint.query_parameters),
        ("header", endpoint.header_parameters),
        ("cookie", endpoint.cookie_parameters),
    ):
        for p in props:
            params.append(
                {
                    "name": _s(p.name),
                    "python_name": _s(p.python_name),
                    "in": where,
                    "required": bool(p.required),
                    "type": _s(p.get_type_string(no_optional=True)),
                }
            )
    body: dict[str, Any] | None = None
    content_type: str | None = None
    if endpoint.bodies:
        first = endpoint.bodies[0]
        content_type = _s(first.content_type)
        prop = first.prop
        if isinstance(prop, model_cls):
            body = {
                "model": _s(prop.class_info.name),
                "module": f"{ROOT_PACKAGE}.{package}.models.{_s(prop.class_info.module_name)}",
                "required": bool(prop.required),
            }
        else:
            body = {"model": None, "module": None, "required": bool(prop.required)}
        body["type"] = _s(prop.get_type_string(no_optional=True))
    return {
        "doc": package,
        "accessor": accessor,
        "name": name,
        "module": f"{ROOT_PACKAGE}.{package}.api.{tag}.{name}",
        "method": endpoint.method.upper(),
        "path": endpoint.path.get_untrusted_value(),
        "summary": facts["summary"],
        "request_content_type": content_type,
        "accept": facts["accept"],
        "parameters": params,
        "body": body,
        "success_status": facts["success_status"],
        "pagination": _pagination([p["name"] for p in params if p["in"] == "query"]),
    }


# --- the root package ---------------------------------------------------------


def render_shared(out_root: Path) -> None:
    """The modules every doc's package shares: types.py and errors.py (stock templates), _unions.py, py.typed."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader

    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES_DIR)), PackageLoader("openapi_python_client")]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    root = out_root / ROOT_PACKAGE
    root.mkdir(parents=True, exist_ok=True)
    (root / "types.py").write_text(env.get_template("types.py.jinja").render(), encoding="utf-8")
    (root / "errors.py").write_text(env.get_template("errors.py.jinja").render(), encoding="utf-8")
    # The member choice every generated union parser shares (spec/templates/unions.py.jinja).
    (root / "_unions.py").write_text(env.get_template("unions.py.jinja").render(), encoding="utf-8")
    (root / "py.typed").write_text("# Marker file for PEP 561\n", encoding="utf-8")


def render_root(out_root: Path, docs: dict[str, dict[str, Any]], operations: list[dict[str, Any]]) -> None:
    """`__init__.py` (lazy over the doc subpackages) and `_index.py` (DOCS, OPERATIONS literals)."""
    root = out_root / ROOT_PACKAGE
    root.mkdir(parents=True, exist_ok=True)
    (root / "__init__.py").write_text(
        _lazy_package_init(
            "Generated Piwik PRO API packages, one subpackage per doc (see `_index.DOCS`).",
            {name: name for name in docs},
            [],
        ),
        encoding="utf-8",
    )
    index = [
        '"""Every generated doc and operation (plain literals; generated, do not edit)."""',
        "",
        "from typing import Any",
        "",
        f"DOCS: dict[str, dict[str, Any]] = {_literal(dict(sorted(docs.items())))}",
        "",
        f"OPERATIONS: list[dict[str, Any]] = {_literal(operations)}",
        "",
    ]
    (root / "_index.py").write_text("\n".join(index), encoding="utf-8")
    (root / "_resources.py").write_text(_render_resources_root(docs), encoding="utf-8")


def _accessor_tree(docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{"users": "users", "tag_manager": {"tags": "tag_manager_tags", ...}, ...}: leaves are packages."""
    tree: dict[str, Any] = {}
    for package, info in sorted(docs.items()):
        parts = str(info.get("accessor") or package).split(".")
        node = tree
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise GenerationError(f"{package}: accessor {info.get('accessor')!r} nests under the API {part!r}")
            node = child
        if parts[-1] in node:
            raise GenerationError(f"{package}: accessor {info.get('accessor')!r} is taken by another doc")
        node[parts[-1]] = package
    return tree


def _docstring_text(text: str) -> str:
    return text.replace("\\", "/").replace('"""', "'").strip()


def _render_resources_root(docs: dict[str, dict[str, Any]]) -> str:
    """`SyncApis`/`AsyncApis`, the typed API attributes of PiwikPro/AsyncPiwikPro, and the group classes
    (`pp.tag_manager`, `pp.cdp`). Each property imports its doc's resources module on first use."""
    tree = _accessor_tree(docs)
    groups: list[tuple[str, dict[str, Any]]] = []  # (accessor path, children)

    def collect(path: str, node: dict[str, Any]) -> None:
        for name, child in sorted(node.items()):
            if isinstance(child, dict):
                sub = f"{path}.{name}" if path else name
                groups.append((sub, child))
                collect(sub, child)

    collect("", tree)
    out = [
        '"""Typed API attributes of PiwikPro and AsyncPiwikPro (generated, do not edit).',
        "",
        "`pp.users` is `piwik_pro_api.users.resources.UsersResource`; groups such as `pp.tag_manager`",
        "hold the docs that share a prefix. A doc's resources module is imported when first reached.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        "    from piwik_pro._client import AsyncPiwikPro, PiwikPro",
    ]
    out += [f"    from .{p}.resources import Async{resource_class(p)}, {resource_class(p)}" for p in sorted(docs)]
    out += ["", '__all__ = ["AsyncApis", "SyncApis"]']

    def group_class(path: str, is_async: bool) -> str:
        return ("Async" if is_async else "") + _camel(path) + "Apis"

    def properties(node: dict[str, Any], prefix: str, is_async: bool, self_type: str, client: str) -> list[str]:
        lines: list[str] = []
        for name, child in sorted(node.items()):
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(child, dict):
                cls = group_class(full, is_async)
                lines += ["", "    @property", f"    def {name}({self_type}) -> {cls}:"]
                lines += [
                    f'        """The {full} APIs: {", ".join(sorted(child))}."""',
                    f"        return {cls}({client})",
                ]
            else:
                cls = ("Async" if is_async else "") + resource_class(child)
                title = _docstring_text(str(docs[child].get("title") or child))
                lines += ["", "    @property", f"    def {name}({self_type}) -> {cls}:"]
                lines += [f'        """{title} (pp.{full})."""', f"        from .{child}.resources import {cls}", ""]
                lines += [f"        return {cls}({client})"]
        return lines

    for is_async in (False, True):
        kind = "AsyncPiwikPro" if is_async else "PiwikPro"
        for path, children in groups:
            cls = group_class(path, is_async)
            out += ["", "", f"class {cls}:", f'    """pp.{path}: {", ".join(sorted(children))}."""', ""]
            out += ['    __slots__ = ("_client",)', "", f"    def __init__(self, client: {kind}) -> None:"]
            out += ["        self._client = client"]
            out += properties(children, path, is_async, "self", "self._client")
            out += ["", "    def __repr__(self) -> str:", f'        return "<piwik_pro APIs pp.{path}>"']
            out += ["", "    if not TYPE_CHECKING:  # for the REPL; static checkers see only the typed attributes", ""]
            out += ["        def __getattr__(self, name: str) -> object:"]
            out += ["            from piwik_pro._operations import no_such_attribute", ""]
            out += [f'            raise no_such_attribute("pp.{path}", self, name, "API", "it has")']
        mixin = "AsyncApis" if is_async else "SyncApis"
        out += [
            "",
            "",
            f"class {mixin}:",
            f'    """The APIs of {kind}: one attribute per doc, groups for shared prefixes."""',
        ]
        out += ["", "    __slots__ = ()"]
        # The mixin's `self` is the client itself.
        out += properties(tree, "", is_async, f"self: {kind}", "self")
    return "\n".join(out) + "\n"


def _literal(value: Any) -> str:
    # repr() of dicts/lists/str/int/bool/None is a valid, deterministic Python literal.
    return repr(value)


def read_models(root: Path) -> dict[str, list[str]]:
    """{package: the model class names its `models` package exports} for a generated root (piwik_pro_api)."""
    found: dict[str, list[str]] = {}
    for init in sorted(root.glob("*/models/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        lazy = next(
            (n.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "_LAZY"),
            None,
        )
        if lazy is not None:
            found[init.parent.parent.name] = sorted(ast.literal_eval(lazy))
    return found


def read_index(out_root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """DOCS and OPERATIONS of an existing `_index.py` (to keep unchanged docs on a partial run)."""
    path = out_root / ROOT_PACKAGE / "_index.py"
    if not path.exists():
        return {}, []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = ast.literal_eval(node.value)
    return found.get("DOCS", {}), found.get("OPERATIONS", [])

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


def _operation_facts(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    item = doc.get("paths", {}).get(path, {})
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
        return "Any" if "Any" in members else " | ".join(members)
    return "Any"  # AnyProperty, files: anything JSON


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
        value = "Any" if extra is True or extra is None or extra is False else _json_type(extra, here, spec.imports)
        spec.alias = f"dict[str, {value}]"
    return spec


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
            model_template.render(model=model, typed_dict=typed_dict), encoding="utf-8"
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
        (pkg_dir / "models" / f"{module}.py").write_text(template.render(enum=enum), encoding="utf-8")
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
    for tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        tag_dir = pkg_dir / "api" / str(tag)
        tag_dir.mkdir()
        tags[str(tag)] = str(tag)
        modules: dict[str, str] = {}
        for endpoint in collection.endpoints:
            name = str(strings.PythonIdentifier(endpoint.name, config.field_prefix))
            path = endpoint.path.get_untrusted_value()
            facts = _operation_facts(doc, path, endpoint.method)
            eager, lazy = _split_model_imports(_reroot_types(set(endpoint.relative_imports)), enum_modules)
            lazy |= _dict_body_imports(endpoint)
            # The template imports Response/UNSET/Unset itself.
            eager = {i for i in eager if not _TYPES_IMPORT.match(i) or "File" in i}
            (tag_dir / f"{name}.py").write_text(
                endpoint_template.render(
                    endpoint=endpoint, accept=facts["accept"], eager_imports=eager, lazy_imports=lazy
                ),
                encoding="utf-8",
            )
            modules[name] = name
            result.operations.append(_index_entry(package, accessor, str(tag), name, endpoint, facts, ModelProperty))
        (tag_dir / "__init__.py").write_text(
            _lazy_package_init(f"Operations tagged {tag}: each module is imported on first access.", modules, []),
            encoding="utf-8",
        )
    (pkg_dir / "api" / "__init__.py").write_text(
        _lazy_package_init(f"Operations of {package}, by tag.", tags, []), encoding="utf-8"
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


def _literal(value: Any) -> str:
    # repr() of dicts/lists/str/int/bool/None is a valid, deterministic Python literal.
    return repr(value)


def read_index(out_root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """DOCS and OPERATIONS of an existing `_index.py` (to keep unchanged docs on a partial run)."""
    import ast

    path = out_root / ROOT_PACKAGE / "_index.py"
    if not path.exists():
        return {}, []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = ast.literal_eval(node.value)
    return found.get("DOCS", {}), found.get("OPERATIONS", [])

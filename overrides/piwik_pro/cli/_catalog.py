"""What the generated packages offer, read from `piwik_pro_api._index` (never by scanning files)."""

from __future__ import annotations

import difflib
import enum
import importlib
import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._errors import UsageError

if TYPE_CHECKING:
    from piwik_pro import DocInfo, OperationInfo


def _missing_index(exc: ImportError) -> UsageError:
    return UsageError(
        f"{exc}; the generated API packages are missing: run `nox -s regenerate` in a checkout, "
        "or reinstall piwik-pro-client"
    )


def docs() -> list[DocInfo]:
    import piwik_pro

    try:
        return piwik_pro.docs()
    except ImportError as exc:
        raise _missing_index(exc) from None


def operations() -> list[OperationInfo]:
    import piwik_pro

    try:
        return piwik_pro.operations()
    except ImportError as exc:
        raise _missing_index(exc) from None


def match_api(api: str) -> list[str]:
    """Doc packages named by `api`: a package ("tag_manager_tags"), an accessor ("tag_manager.tags") or its prefix."""
    all_docs = docs()
    wanted = api.strip().lower()
    hits = [
        d.package
        for d in all_docs
        if wanted in (d.package, d.accessor)
        or d.accessor.startswith(wanted + ".")
        or d.package.startswith(wanted + "_")
    ]
    if not hits:
        names = sorted({n for d in all_docs for n in (d.package, d.accessor)})
        close = difflib.get_close_matches(wanted, names, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"unknown API {api!r}{hint} (list them with `piwik-pro apis`)")
    return sorted(hits)


def find(name: str) -> OperationInfo:
    """One operation by name, `accessor.name` or `package.name`; unknown or ambiguous names are usage errors."""
    import piwik_pro

    try:
        return piwik_pro.find_operation(name)
    except LookupError as exc:
        raise UsageError(str(exc.args[0])) from None  # names the close matches or the qualified choices
    except ImportError as exc:
        raise _missing_index(exc) from None


def search(ops: list[OperationInfo], text: str) -> list[OperationInfo]:
    words = text.lower().split()
    return [
        op for op in ops if all(w in f"{op.qualified_name} {op.method} {op.path} {op.summary}".lower() for w in words)
    ]


# -- body models, for `ops show` -------------------------------------------------------------


@dataclass
class Field:
    name: str  # the JSON key
    type: str
    required: bool
    children: list[Field] = field(default_factory=list)


# `name = d.pop("wire")`, `_name = d.pop("wire", UNSET)`, `name = SomeEnum(d.pop("wire"))`, ...
_POP = re.compile(r'^\s*(\w+)\s*=[^\n]*?\bd\.pop\("((?:[^"\\]|\\.)*)"', re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _snake(name: str) -> str:
    # The generator's rule for model module names: JsonApiUserInviteData -> json_api_user_invite_data.
    spaced = " ".join(re.split(r"([A-Z]?[a-z]+)", name))
    return "_".join(w.lower() for w in re.findall(r"[^. _-]+", spaced))


def load_model(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _wire_names(cls: type) -> dict[str, str]:
    """python attribute name -> JSON key, read from the generated `from_dict`."""
    try:
        source = inspect.getsource(cls.from_dict)  # type: ignore[attr-defined]
    except (OSError, TypeError, AttributeError):
        return {}
    return {py.lstrip("_") if py.lstrip("_") else py: wire for py, wire in _POP.findall(source)}


def _resolve(models_package: str, name: str) -> Any:
    cls = load_model(f"{models_package}.{_snake(name)}", name)
    return cls if cls is not None else load_model(models_package, name)


def model_fields(cls: Any, depth: int = 0, seen: frozenset[type] = frozenset()) -> list[Field]:
    """The fields of a generated attrs model, recursively (bounded, cycle-safe)."""
    import attrs

    if not attrs.has(cls) or cls in seen or depth > 6:
        return []
    models_package = cls.__module__.rpartition(".")[0]
    wire = _wire_names(cls)
    out: list[Field] = []
    for attr in attrs.fields(cls):
        if attr.name == "additional_properties" or not attr.init:
            continue
        raw_type = attr.type if isinstance(attr.type, str) else getattr(attr.type, "__name__", str(attr.type))
        parts = [p.strip() for p in raw_type.split("|") if p.strip() not in ("Unset", "")]
        type_text = " | ".join(parts) or "Any"
        children: list[Field] = []
        for ident in _IDENT.findall(type_text):
            if not ident[:1].isupper() or ident in {"Any", "JSONValue", "None", "File"}:
                continue
            nested = _resolve(models_package, ident)
            if isinstance(nested, type) and issubclass(nested, enum.Enum):
                values = ", ".join(repr(m.value) for m in nested)
                type_text = type_text.replace(ident, f"one of {values}")
            elif nested is not None and attrs.has(nested):
                children = model_fields(nested, depth + 1, seen | {cls})
                type_text = type_text.replace(ident, "object")
        out.append(Field(wire.get(attr.name, attr.name), type_text, attr.default is attrs.NOTHING, children))
    return out


def _flat(fields: list[Field], prefix: str = "") -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in fields:
        out[prefix + f.name] = f
        out.update(_flat(f.children, f"{prefix}{f.name}."))
    return out


def variant_lines(classes: list[Any]) -> list[str]:
    """A union body's variants listed by their discriminating value (e.g. `data.attributes.template`), with fields.

    The discriminator is the enum field every variant has and whose values differ between them; without one,
    the variants are listed by model name.
    """
    flats = {cls.__name__: _flat(model_fields(cls)) for cls in classes}
    if not flats:
        return []
    shared = set.intersection(*(set(f) for f in flats.values()))
    keys = sorted(
        p
        for p in shared
        if all(f[p].type.startswith("one of ") for f in flats.values()) and len({f[p].type for f in flats.values()}) > 1
    )
    if not keys:
        return [f"  one of {len(flats)} models: {', '.join(sorted(flats))}"]
    key = min(keys, key=lambda p: (-len({f[p].type for f in flats.values()}), p))  # the most telling one
    parent = key.rpartition(".")[0]
    out = [f"  one of {len(flats)} variants, chosen by {key}:"]
    for name, flat in sorted(flats.items(), key=lambda item: (item[1][key].type, item[0])):
        values = flat[key].type.removeprefix("one of ")
        siblings = [
            p.rpartition(".")[2] + ("*" if flat[p].required else "")
            for p in flat
            if p.rpartition(".")[0] == parent and p != key
        ]
        out.append(f"    {key.rpartition('.')[2]}={values}  {name}: {', '.join(siblings)}")
    out.append("    (* required)")
    return out

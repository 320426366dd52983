"""Turn `name=value` words and `--data` into the keyword arguments a generated function takes.

One rule for every operation: the generated function's own signature says
which names exist, which are required and what type each value must become.
"""

from __future__ import annotations

import datetime
import difflib
import enum
import importlib
import inspect
import json
import sys
import types
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import UsageError

if TYPE_CHECKING:
    from piwik_pro import OperationInfo

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def split_assignments(words: list[str], what: str = "parameter") -> list[tuple[str, str]]:
    pairs = []
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise UsageError(f"expected {what} as name=value, got {word!r}")
        pairs.append((name.strip(), value))
    return pairs


def read_data(spec: str) -> Any:
    """--data JSON, --data @file or --data - (stdin), parsed as JSON."""
    if spec == "-":
        text, origin = sys.stdin.read(), "stdin"
    elif spec.startswith("@"):
        path = Path(spec[1:]).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"--data file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read --data file {path}: {exc}") from None
        origin = str(path)
    else:
        text, origin = spec, "--data"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            + ("; quote the whole JSON for the shell, e.g. --data '{\"data\": ...}'" if origin == "--data" else "")
        ) from None


def _is_unset(tp: Any) -> bool:
    return getattr(tp, "__name__", "") == "Unset"


def _options(tp: Any) -> list[Any]:
    """The concrete types a value may take: `X | Unset | None` -> [X].

    A body's `XDict` (X as plain JSON; `dict` at run time) is left out beside its model X.
    """
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if not _is_unset(a) and a is not type(None)]
        if any(hasattr(a, "from_dict") for a in args):
            args = [a for a in args if a is not dict and not typing.is_typeddict(a)]
        return args
    return [tp]


def type_name(tp: Any) -> str:
    names = []
    for opt in _options(tp):
        if typing.get_origin(opt) is list:
            (inner,) = typing.get_args(opt) or (Any,)
            names.append(f"list[{type_name(inner)}]")
        else:
            names.append(getattr(opt, "__name__", str(opt)))
    return " | ".join(names) or "Any"


def describe(tp: Any) -> str:
    """A parameter's type for people: enums spelled out as their values."""
    parts = []
    for opt in _options(tp):
        if isinstance(opt, type) and issubclass(opt, enum.Enum):
            parts.append("one of " + ", ".join(str(m.value) for m in opt))
        elif typing.get_origin(opt) is list and typing.get_args(opt):
            parts.append(f"list of {describe(typing.get_args(opt)[0])} (comma-separated or repeated)")
        else:
            parts.append(type_name(opt))
    return " | ".join(parts) or "Any"


def parameter_types(fn: Callable[..., Any]) -> dict[str, str]:
    """{python name: described type} for a generated function's parameters."""
    _, hints = _signature(fn)
    return {name: describe(tp) for name, tp in hints.items() if name not in ("client", "body", "return")}


def body_variants(fn: Callable[..., Any]) -> list[str]:
    """Model names a generated function's `body` may be (several for a oneOf body)."""
    _, hints = _signature(fn)
    return [getattr(o, "__name__", str(o)) for o in _options(hints.get("body", Any)) if hasattr(o, "from_dict")]


def body_variant_classes(fn: Callable[..., Any]) -> list[Any]:
    """The model classes a generated function's `body` may be (several for a union body)."""
    _, hints = _signature(fn)
    return [o for o in _options(hints.get("body", Any)) if hasattr(o, "from_dict")]


def _convert_one(text: str, tp: Any) -> Any:
    if tp is str or tp is Any:
        return text
    if tp is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError("expected true or false")
    if tp is int:
        return int(text)
    if tp is float:
        return float(text)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(text)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise ValueError(f"expected one of {allowed}") from None
    if tp is datetime.datetime:
        from dateutil.parser import isoparse

        return isoparse(text)
    if tp is datetime.date:
        return datetime.date.fromisoformat(text)
    if tp is uuid.UUID:
        return uuid.UUID(text)
    if hasattr(tp, "from_dict"):
        return to_model(json.loads(text), tp)
    if tp in (dict, list) or typing.get_origin(tp) in (dict, list):
        return json.loads(text)
    raise ValueError(f"cannot build a {type_name(tp)} from text")


def convert(name: str, values: list[str], tp: Any) -> Any:
    """Convert the text given for one parameter to its annotated type (repeat `name=` for lists)."""
    errors = []
    for opt in _options(tp):
        try:
            if typing.get_origin(opt) is list:
                (inner,) = typing.get_args(opt) or (str,)
                items = [part for v in values for part in (v.split(",") if len(values) == 1 else [v])]
                return [_convert_one(item, inner) for item in items]
            if len(values) > 1:
                raise ValueError("given more than once")
            return _convert_one(values[0], opt)
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(str(exc))
    detail = f" ({errors[-1]})" if errors and errors[-1] else ""
    raise UsageError(f"parameter {name}: {' '.join(values)!r} is not a valid {type_name(tp)}{detail}")


def to_model(data: Any, tp: Any, where: str = "--data") -> Any:
    """Build JSON into the operation's typed body model with the generated `from_dict`."""
    options = _options(tp)
    models = [opt for opt in options if hasattr(opt, "from_dict")]
    if len(models) > 1 and isinstance(data, dict):
        # A union body: the member that accounts for every key, whatever the doc's member order.
        from piwik_pro_api._unions import UnionMismatchError, parse_union

        try:
            return parse_union(data, [opt.from_dict for opt in models])
        except UnionMismatchError as exc:
            raise UsageError(
                f"{where}: fits no body variant; closest is {exc.member}: {exc.path}: {exc.reason}"
            ) from None
    last: Exception | None = None
    for opt in options:
        try:
            if typing.get_origin(opt) is list and isinstance(data, list):
                (inner,) = typing.get_args(opt) or (Any,)
                return [to_model(item, inner, where) for item in data]
            if hasattr(opt, "from_dict"):
                if not isinstance(data, dict):
                    raise TypeError(f"expected a JSON object for {opt.__name__}, got {type(data).__name__}")
                return opt.from_dict(data)
            if isinstance(opt, type) and issubclass(opt, enum.Enum):
                return opt(data)
            if opt in (Any, dict, list) or typing.get_origin(opt) in (dict, list):
                return data
            if isinstance(opt, type) and isinstance(data, opt):
                return data
        except KeyError as exc:
            last = UsageError(f"{where}: missing required field {exc.args[0]!r} for {getattr(opt, '__name__', opt)}")
        except (TypeError, ValueError, AttributeError) as exc:
            last = UsageError(f"{where}: does not fit {getattr(opt, '__name__', opt)}: {exc}")
    if isinstance(last, UsageError):
        raise last
    raise UsageError(f"{where}: expected {type_name(tp)}, got JSON {type(data).__name__}")


class _Names(dict[str, Any]):
    """Names for evaluating a generated function's annotations.

    Generated modules import their models only when they run (fast imports), so the
    annotations name models that are not in the module yet: find them on demand.
    """

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__(vars(module))
        root, _, rest = module.__name__.partition(".")
        doc = rest.split(".", 1)[0]
        self._homes = [f"{root}.{doc}.models", f"{root}.types", "piwik_pro._base"]

    def __missing__(self, key: str) -> Any:
        for home in self._homes:
            try:
                return getattr(importlib.import_module(home), key)
            except (ImportError, AttributeError):
                continue
        raise KeyError(key)


def _signature(fn: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    sig = inspect.signature(fn)
    module = sys.modules.get(fn.__module__)
    try:
        hints = typing.get_type_hints(fn, localns=_Names(module) if module else None)
    except Exception:  # an annotation we cannot resolve: fall back to text (values stay strings)
        hints = {n: p.annotation for n, p in sig.parameters.items()}
    return sig, hints


def build_kwargs(
    op: OperationInfo, fn: Callable[..., Any], assignments: list[tuple[str, str]], data: Any, has_data: bool
) -> dict[str, Any]:
    """Check `assignments` and `data` against `fn`'s signature and convert them to its types."""
    sig, hints = _signature(fn)
    accepted = {n: p for n, p in sig.parameters.items() if n not in ("client", "body")}
    # The API's names (page[offset], app_id) and the Python names (page_offset) both work.
    aliases = {p.name: p.python_name for p in op.parameters}
    wire = {v: k for k, v in aliases.items()}
    given: dict[str, list[str]] = {}
    for name, value in assignments:
        py = aliases.get(name, name)
        if py not in accepted:
            known = [wire.get(n, n) for n in accepted]
            close = difflib.get_close_matches(name, known, n=2)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise UsageError(f"unknown parameter {name!r} for {op.name}{hint} (it takes: {', '.join(known) or 'none'})")
        given.setdefault(py, []).append(value)
    missing = [wire.get(n, n) for n, p in accepted.items() if p.default is inspect.Parameter.empty and n not in given]
    if missing:
        example = " ".join(f"{m}=..." for m in missing)
        raise UsageError(f"{op.name} needs parameter(s) {', '.join(missing)}: piwik-pro call {op.name} {example}")
    kwargs = {py: convert(wire.get(py, py), values, hints.get(py, str)) for py, values in given.items()}
    body = sig.parameters.get("body")
    if has_data:
        if body is None:
            raise UsageError(f"{op.name} takes no request body; drop --data")
        kwargs["body"] = to_model(data, hints.get("body", Any))
    elif body is not None and (body.default is inspect.Parameter.empty or (op.body is not None and op.body.required)):
        raise UsageError(
            f"{op.name} needs a request body: --data JSON, --data @file or --data - "
            f"(see its fields with `piwik-pro ops show {op.name}`)"
        )
    return kwargs

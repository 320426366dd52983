"""Where openapi-python-client 0.29.1 turns valid docs into silently wrong code, and how we correct it.

- String defaults and consts are escaped twice (`repr(remove_string_escapes(v))`): a `"` or `\\` in
  them gains a backslash. `repr()` alone is already a faithful and safe Python literal.
- Enum member names: values that sanitise to the same name (`a-b`, `a b`) silently keep only one.
  Members now keep every value: the values of one name are sorted and numbered (NAME, NAME_2, ...),
  so the names do not depend on the order the doc lists the values in.
- Enum values, and every string the templates embed with `in_double_quote_literal` (property names,
  media types, ...), lose their control characters (a newline in a value is dropped). They are now
  escaped instead, and invisible or bidirectional characters too (`\\u202e`), never dropped.
- Property names that equal a name the model template uses itself (`d`, `src_dict`, `field_dict`,
  `additional_properties`, `to_dict`, ...) make a `from_dict` that always crashes. Such properties get
  a trailing underscore in Python (`d_`); the wire name is unchanged.

- Schemas with no type (`{}`, `additionalProperties: true`) become `Any` in models and their dicts:
  a field read from a result, or a dict body's value, escapes the type checker. They are
  `JSONValue` (piwik_pro_api.types: any JSON value, recursively) instead, so a misuse is caught
  and narrowing with isinstance works (`json_values()`).

`apply()` is called once per worker before parsing; `rename_model_internals()` and `json_values()` after parsing.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from typing import Any

# Names model.py.jinja and the stock property templates bind in a model's class body or methods,
# or look up at module level from inside them.
MODEL_INTERNALS = frozenset(
    {
        "d", "src_dict", "field_dict", "additional_properties", "additional_keys", "prop", "prop_name",
        "prop_dict", "cls", "self", "to_dict", "from_dict", "to_multipart", "files", "json", "types", "T",
        "UNSET", "Unset", "Any", "Mapping", "TypeVar", "TYPE_CHECKING", "BinaryIO", "TextIO", "Generator",
        "cast", "File", "FileTypes", "isoparse", "datetime", "UUID", "Literal", "_attrs_define", "_attrs_field",
    }
)  # fmt: skip


def py_string_body(value: Any) -> str:
    """`value` escaped for a double-quoted Python literal, every character kept (unlike the stock filter)."""
    if hasattr(value, "get_untrusted_value"):
        value = value.get_untrusted_value()
    elif hasattr(value, "as_unembedded_code"):
        value = value.as_unembedded_code()
    escaped = json.dumps(str(value), ensure_ascii=False)[1:-1]  # quotes, backslashes, C0 controls
    return "".join(_escape_invisible(c) for c in escaped)


def _escape_invisible(character: str) -> str:
    category = unicodedata.category(character)
    if category.startswith("C") or category in ("Zl", "Zp"):  # controls, format (bidi), line separators
        code = ord(character)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return character


def _enum_values_from_list(values: list[Any], class_info: Any, var_names: list[str]) -> dict[str, Any]:
    from openapi_python_client import strings

    output: dict[str, Any] = {}
    use_var_names = len(var_names) == len(values)
    by_name: dict[str, list[str]] = {}
    for i, value in enumerate(values):
        if isinstance(value, int):  # as stock
            if use_var_names:
                output[strings.snake_case(var_names[i]).upper()] = value
            elif value < 0:
                output[f"VALUE_NEGATIVE_{-value}"] = value
            else:
                output[f"VALUE_{value}"] = value
            continue
        if use_var_names:
            key = var_names[i]
        elif value and value[0].isalpha():
            key = value.upper()
        else:
            key = f"VALUE_{i}"
        name = strings.snake_case(key).upper()
        if not name.isidentifier():
            name = f"VALUE_{i}"
        by_name.setdefault(name, []).append(value)
    for name, group in by_name.items():
        for n, value in enumerate(sorted(set(group))):
            member = name if n == 0 else f"{name}_{n + 1}"
            while member in output or (n and member in by_name):
                member += "_"
            output[member] = py_string_body(value)
    return output


def apply() -> None:
    from openapi_python_client import strings
    from openapi_python_client.parser.properties import enum_property, string

    setattr(string, "remove_string_escapes", lambda value: value)  # noqa: B010  (repr() escapes it)
    setattr(enum_property.EnumProperty, "values_from_list", staticmethod(_enum_values_from_list))  # noqa: B010
    setattr(strings, "in_double_quote_literal", py_string_body)  # noqa: B010


def template_filters() -> dict[str, Any]:
    return {"in_double_quote_literal": py_string_body}


def rename_model_internals(models: Any) -> None:
    """Give properties named like a model's own internals a trailing underscore (Python name only)."""
    from openapi_python_client.strings import PythonIdentifier

    for model in models:
        props = [*(model.required_properties or ()), *(model.optional_properties or ())]
        taken = {str(p.python_name) for p in props}
        for prop in props:
            name = str(prop.python_name)
            if name not in MODEL_INTERNALS:
                continue
            new = name + "_"
            while new in taken or new in MODEL_INTERNALS:
                new += "_"
            taken.add(new)
            prop.python_name = PythonIdentifier(new, "", skip_snake_case=True)


@functools.cache
def _json_value_property() -> type:
    from attrs import define
    from openapi_python_client.parser.properties import AnyProperty
    from openapi_python_client.strings import PythonCode

    @define
    class JSONValueProperty(AnyProperty):
        """An untyped schema: any JSON value (`JSONValue`), read and written as it is."""

        _type_string = "JSONValue"
        _json_type_string = "JSONValue"

        def get_instance_type_string(self) -> Any:
            return PythonCode("object")  # JSONValue is an annotation-only alias: isinstance needs a class

    return JSONValueProperty


def json_values(models: Any) -> None:
    """Models' untyped properties (in lists and unions too, and extra keys) become JSONValue, not Any."""
    from attrs import fields
    from openapi_python_client.parser.properties import AnyProperty

    json_value = _json_value_property()
    names = [f.name for f in fields(AnyProperty)]

    def swap(prop: Any) -> Any:
        if type(prop) is AnyProperty:
            new = object.__new__(json_value)
            for name in names:
                object.__setattr__(new, name, getattr(prop, name))
            return new
        kind = type(prop).__name__
        if kind == "ListProperty":
            prop.inner_property = swap(prop.inner_property)
        elif kind == "UnionProperty":
            prop.inner_properties = [swap(p) for p in prop.inner_properties]
        return prop

    for model in models:
        model.required_properties = [swap(p) for p in model.required_properties or ()]
        model.optional_properties = [swap(p) for p in model.optional_properties or ()]
        if model.additional_properties not in (None, True, False):
            model.additional_properties = swap(model.additional_properties)

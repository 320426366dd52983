"""Unit tests of argument synthesis (no Prism, no docs): run in `nox -s tests`."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import pytest

from ._args import Doc, example_value, synthesize, to_python
from ._check import _violations, violations_in_log

DOC = Doc(
    {
        "components": {
            "schemas": {
                "Kind": {"type": "string", "enum": ["alpha", "beta"]},
                "Item": {
                    "type": "object",
                    "required": ["id", "kind", "when", "tags"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "when": {"type": "string", "format": "date-time"},
                        "tags": {"type": "array", "items": {"type": "string", "minLength": 12}, "minItems": 2},
                        "optional": {"type": "integer"},
                    },
                },
            }
        }
    }
)


def test_synthesize_fills_required_fields_only() -> None:
    value = synthesize(DOC, {"$ref": "#/components/schemas/Item"})
    assert set(value) == {"id", "kind", "when", "tags"}
    assert uuid.UUID(value["id"])
    assert value["kind"] == "alpha"
    assert dt.datetime.fromisoformat(value["when"].replace("Z", "+00:00"))
    assert len(value["tags"]) == 2 and all(len(t) >= 12 for t in value["tags"])


def test_synthesize_merges_all_of_and_picks_first_one_of() -> None:
    schema = {
        "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 5}}},
            {
                "type": "object",
                "required": ["b"],
                "properties": {"b": {"oneOf": [{"type": "boolean"}, {"type": "string"}]}},
            },
        ]
    }
    assert synthesize(DOC, schema) == {"a": 5, "b": True}


def test_synthesize_is_deterministic() -> None:
    schema = {"$ref": "#/components/schemas/Item"}
    assert synthesize(DOC, schema) == synthesize(DOC, schema)


def test_example_value_prefers_the_docs_example() -> None:
    node = {"schema": {"type": "integer"}, "examples": {"first": {"value": 42}}}
    assert example_value(DOC, node) == (42, "example")
    assert example_value(DOC, {"schema": {"type": "integer", "minimum": 3}}) == (3, "schema")


class Color(enum.Enum):
    RED = "red"


class Model:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(data)


class Unset:
    pass


def test_to_python_follows_the_annotation() -> None:
    assert to_python(Color | Unset, "red") is Color.RED
    assert to_python(uuid.UUID | Unset, "00000000-0000-4000-8000-000000000001") == uuid.UUID(int=0x40008000000000000001)
    assert to_python(dt.date, "2025-01-15") == dt.date(2025, 1, 15)
    assert to_python(list[Color], ["red"]) == [Color.RED]
    assert to_python(Model | Unset, {"a": 1}).data == {"a": 1}
    assert to_python(int | str, "7") == "7"


def test_to_python_rejects_an_example_outside_the_enum() -> None:
    with pytest.raises(ValueError):
        to_python(Color, "blue")


def test_violations_name_whose_fault() -> None:
    header = (
        '[{"location":["request","query","app"],"code":"required","message":"missing app"},'
        '{"location":["response","body","id"],"code":"type","message":"id must be integer"}]'
    )
    lines = _violations(header)
    assert lines[0].startswith("Prism rejected the request: missing app")
    assert lines[1].startswith("the doc's response example contradicts its own schema")


def test_log_violations_are_found() -> None:
    log = (
        "[1:00:00 PM] \u203a     [VALIDATOR] \u2714  success   The request passed the validation rules\n"
        "[1:00:00 PM] \u203a     [VALIDATOR] \u2716  error     Request body property name must be string\n"
    )
    assert violations_in_log(log) == ["[VALIDATOR] \u2716  error     Request body property name must be string"]

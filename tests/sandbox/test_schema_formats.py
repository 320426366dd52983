"""The sandbox's schema checks read `oneOf` as written, with the formats that tell members apart."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from piwik_pro.sandbox._schema import FORMAT_CHECKER, to_json_schema
from piwik_pro_spec.fixes import apply_fixes

IP = {"oneOf": [{"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"}]}
DAY = {"type": "string", "oneOf": [{"format": "date"}, {"format": "datetime"}]}


def _valid(schema: dict[str, Any], value: Any) -> bool:
    return Draft202012Validator(to_json_schema(schema), format_checker=FORMAT_CHECKER).is_valid(value)


@pytest.mark.parametrize("value", ["172.16.254.1", "2001:db8::1"])
def test_ipv4_or_ipv6_is_exactly_one(value: str) -> None:
    assert _valid(IP, value)


def test_a_bad_address_fits_neither() -> None:
    assert not _valid(IP, "999.1.1.1")


def test_overlapping_one_of_is_repaired_by_the_spec_fixes_not_the_sandbox() -> None:
    assert not _valid(DAY, "2020-02-10")  # as written, a date fits both members
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    doc["components"] = {"schemas": {"Day": DAY}}
    fixed = apply_fixes("fixture", doc).doc["components"]["schemas"]["Day"]
    assert _valid(fixed, "2020-02-10") and _valid(fixed, "2024-02-10 12:23:00")

"""Rules that make a doc agree with a strict validator (Prism, the sandbox) about its own examples.

Each test checks the repaired fixture with `jsonschema` (what the sandbox
validates with), so a rule that stops firing makes the doc's own values
invalid again and the test fails.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from piwik_pro_spec.fixes import apply_fixes

from ._support import Generated, fixture, load

pytestmark = pytest.mark.timeout(600)


def fixed(name: str) -> dict[str, Any]:
    return apply_fixes("fixture", fixture(name)).doc


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` in JSON Schema terms (type also admits null)."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items() if k != "example"}
    if node.get("nullable") is True:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def valid(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    """Validate like Prism: OpenAPI 3.0 schema, local $refs into `doc`, formats checked."""
    resolver_doc = _nullable({**doc, **schema})
    validator = jsonschema.Draft7Validator(resolver_doc, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(value)


def test_overlapping_one_of_becomes_any_of(generated: dict[tuple[str, str], Generated]) -> None:
    raw, doc = fixture("union_overlap"), fixed("union_overlap")
    query, answer = doc["components"]["schemas"]["Query"], doc["components"]["schemas"]["Answer"]
    # an unknown format matches every string, so a date fits both members: oneOf fails on the doc's example
    example = {"date_from": "2020-02-10", "kind": "a", "value": "x"}
    assert not valid(raw, raw["components"]["schemas"]["Query"], example)
    assert valid(doc, query, example)
    assert "oneOf" not in query["properties"]["date_from"] and len(query["properties"]["date_from"]["anyOf"]) == 2
    assert "anyOf" in answer["properties"]["ip"]  # formats a validator does not know
    assert "anyOf" in answer["properties"]["variant"]  # an object variant with nothing required
    # members a value cannot fit twice keep oneOf: types, enums, standard formats, a discriminating property
    assert "oneOf" in query["properties"]["kind"] and "oneOf" in query["properties"]["value"]
    assert "oneOf" in answer["properties"]["when"] and "oneOf" in answer["properties"]["shape"]
    gen = generated["union_overlap", "fixed"]
    assert gen.returncode == 0 and gen.problems == []
    # the generator makes the same union of either keyword: the client does not change
    assert gen.modules("models") == generated["union_overlap", "raw"].modules("models")


def test_parameter_examples_that_fail_their_schema(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("parameter_examples")
    site = doc["components"]["parameters"]["SiteId"]
    assert "example" not in site and site["schema"] == {"type": "string", "format": "uuid"}
    params = {p["name"]: p for p in doc["paths"]["/logs"]["get"]["parameters"] if "name" in p}
    uuids = params["log_uuids"]["schema"]
    assert "format" not in uuids  # one UUID it is not; a comma-separated list of them it is
    assert valid(doc, uuids, uuids["example"])
    assert not valid(doc, uuids, "6ae7402a-0cad-49d6-bc6d-829131ae55ba,nope")
    assert "example" not in params["filter[kind]"]
    assert params["limit"]["examples"] == {"good": {"value": 10}}
    assert params["good"]["example"] == "654c80f9-4c26-4f71-ac32-cf271c945237"  # a fitting example stays
    gen = generated["parameter_examples", "fixed"]
    assert gen.returncode == 0 and gen.problems == []


def test_jsonapi_request_bodies_require_data_and_type(generated: dict[tuple[str, str], Generated]) -> None:
    raw, doc = fixture("jsonapi_bodies"), fixed("jsonapi_bodies")
    schemas = doc["components"]["schemas"]
    assert valid(raw, raw["components"]["schemas"]["Invite"], {})  # the defect: an empty body is valid
    assert not valid(doc, schemas["Invite"], {})
    assert not valid(doc, schemas["Invite"], {"data": {"attributes": {"email": "a@b.c"}}})
    assert valid(doc, schemas["Invite"], {"data": {"type": "ppms/user", "attributes": {"email": "a@b.c"}}})
    # attributes that require a member are themselves required; optional ones stay optional
    assert not valid(doc, schemas["Invite"], {"data": {"type": "ppms/user"}})
    assert schemas["Invite"]["properties"]["data"]["required"] == ["type", "attributes"]
    assert schemas["Edit"]["properties"]["data"]["allOf"][0]["required"] == ["type"]
    bulk = doc["paths"]["/users/bulk"]["post"]["requestBody"]["content"]["application/vnd.api+json"]["schema"]
    assert bulk["required"] == ["data"] and bulk["properties"]["data"]["items"]["required"] == ["type"]
    plain = doc["paths"]["/query"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "required" not in plain  # not a JSON:API document
    gen = generated["jsonapi_bodies", "fixed"]
    assert gen.returncode == 0 and gen.problems == []


def test_required_names_never_declared_are_dropped(generated: dict[tuple[str, str], Generated]) -> None:
    raw, doc = fixture("required_undeclared"), fixed("required_undeclared")
    answer = {"data": [{"id": "p1", "attributes": {"email": "a@b.c", "permission": "view"}}]}
    assert not valid(raw, raw["components"]["schemas"]["Permissions"], answer)
    assert valid(doc, doc["components"]["schemas"]["Permissions"], answer)
    props = doc["components"]["schemas"]["Permission"]["properties"]
    assert props["attributes"]["required"] == ["email"]
    assert props["annotation"]["required"] == ["content"]  # declared through allOf: kept
    assert props["map"]["required"] == ["anything"]  # extra properties have a schema: cannot judge
    assert props["open"]["required"] == ["anything"]  # declares nothing: cannot judge
    assert props["variant"]["required"] == ["kind"]  # declared in a union member
    assert doc["components"]["schemas"]["Permission"]["required"] == ["id", "attributes"]
    gen = generated["required_undeclared", "fixed"]
    assert gen.returncode == 0 and gen.problems == []


def test_schema_examples_and_map_values_conform(generated: dict[tuple[str, str], Generated]) -> None:
    raw, doc = fixture("schema_examples"), fixed("schema_examples")
    schemas = doc["components"]["schemas"]
    rows = schemas["Rows"]
    # an example written on the schema (what a mock answers with) is the API's answer: rows are arrays
    assert not valid(raw, raw["components"]["schemas"]["Rows"], rows["example"])
    assert valid(doc, rows, rows["example"])
    meta = schemas["Meta"]["properties"]
    assert meta["column_id"]["nullable"] is True
    # scalar illustrations that contradict their schema go; fitting ones stay
    assert "example" not in meta["count"] and "example" not in meta["aggregation"]
    assert meta["unit"]["example"] == "px"
    # values of a map are checked against additionalProperties: the object value is admitted
    body = doc["paths"]["/query"]["post"]["requestBody"]["content"]["application/json"]
    raw_body = raw["paths"]["/query"]["post"]["requestBody"]["content"]["application/json"]
    assert not valid(raw, raw["components"]["schemas"]["Profile"], raw_body["example"])
    assert valid(doc, schemas["Profile"], body["example"])
    gen = generated["schema_examples", "fixed"]
    assert gen.returncode == 0 and gen.problems == []
    rows_model = load(gen, "models.rows").Rows
    parsed = rows_model.from_dict(rows["example"])
    assert parsed.to_dict()["data"] == rows["example"]["data"]

"""One test per spec-fix rule, on the project's own fixture docs (tests/fixtures/docs/).

Each test runs the fixes on a fixture that has the defect, checks the repair,
and where it matters checks what openapi-python-client 0.29 makes of the raw
and the fixed fixture (the raw one drops or breaks something; the fixed one
generates everything, with no warning).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from piwik_pro_spec.fixes import apply_fixes

from ._support import Generated, StubClient, fixture, load

pytestmark = pytest.mark.timeout(600)


def fixed(name: str, package: str = "fixture") -> dict[str, Any]:
    return apply_fixes(package, fixture(name)).doc


def rules_fired(name: str) -> set[str]:
    return {a.rule for a in apply_fixes("fixture", fixture(name)).applied}


def assert_clean(gen: Generated) -> None:
    assert gen.returncode == 0, gen.output[-2000:]
    assert gen.problems == [], "\n".join(gen.problems)


def test_swagger2_is_converted_to_openapi3(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("swagger2")
    assert doc["openapi"] == "3.0.3" and "swagger" not in doc
    assert [s["url"] for s in doc["servers"]] == ["https://example.invalid/base", "http://example.invalid/base"]
    schemas = doc["components"]["schemas"]
    assert schemas["Widget"]["properties"]["note"] == {"type": "string", "nullable": True}
    assert schemas["Widget"]["properties"]["parts"]["items"] == {"$ref": "#/components/schemas/Part"}
    assert doc["components"]["parameters"]["Limit"]["schema"] == {"type": "integer", "default": 10}
    assert doc["components"]["securitySchemes"]["basic"] == {"type": "http", "scheme": "basic"}
    listing = doc["paths"]["/widgets/"]["get"]
    assert listing["parameters"][0] == {"$ref": "#/components/parameters/Limit"}
    tags = listing["parameters"][1]
    assert (tags["style"], tags["explode"], tags["schema"]["items"]) == ("form", False, {"type": "string"})
    media = listing["responses"]["200"]["content"]["application/json"]
    assert media["example"] == [{"id": "w1", "note": None, "parts": []}]
    body = doc["paths"]["/widgets/"]["post"]["requestBody"]
    assert body == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}},
        "required": True,
    }
    upload = doc["paths"]["/widgets/{widget_id}/file"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    assert form["required"] == ["file"]
    assert upload["parameters"][0]["in"] == "path"  # path-item parameters reach the operation
    assert generated["swagger2", "raw"].returncode != 0  # the generator refuses Swagger 2.0
    assert_clean(generated["swagger2", "fixed"])
    assert generated["swagger2", "fixed"].modules("api") == {"list_widgets", "create_widget", "upload_widget_file"}


def test_invalid_types_become_json_schema_types(generated: dict[tuple[str, str], Generated]) -> None:
    props = fixed("invalid_types")["components"]["schemas"]["Flag"]["properties"]
    assert props["enabled"] == {"type": "boolean"}
    assert props["count"] == {"type": "integer"}
    assert props["ratio"] == {"anyOf": [{"type": "string"}, {"type": "number"}]}
    assert generated["invalid_types", "raw"].returncode != 0
    assert_clean(generated["invalid_types", "fixed"])


def test_undeclared_path_params_are_declared(generated: dict[tuple[str, str], Generated]) -> None:
    paths = fixed("undeclared_path_params")["paths"]
    for method in ("patch", "delete"):
        (param,) = paths["/api/users/v2/{userId}"][method]["parameters"]
        # the schema comes from the GET that declares it
        assert param == {
            "name": "userId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
    (note,) = paths["/api/notes/{note_id}"]["delete"]["parameters"]
    assert note["schema"] == {"type": "string"}
    # the declaration takes the template's spelling; a declared parameter the path does not use goes
    tags = paths["/api/tag/v1/{appId}/tags"]
    assert [p["name"] for p in tags["parameters"]] == ["appId"]
    assert tags["get"]["parameters"] == []
    assert "update_user" not in generated["undeclared_path_params", "raw"].modules("api")
    assert_clean(generated["undeclared_path_params", "fixed"])
    assert {"get_user", "update_user", "delete_user", "delete_note", "list_tags"} <= generated[
        "undeclared_path_params", "fixed"
    ].modules("api")


def test_parameters_without_schema_get_one(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("parameter_schemas")
    limit = doc["components"]["parameters"]["Limit"]
    assert limit == {
        "name": "limit",
        "in": "query",
        "description": "rows",
        "schema": {"type": "integer", "default": 10, "minimum": 1},
    }
    assert doc["paths"]["/goals"]["get"]["parameters"][1]["schema"] == {"type": "string"}
    assert generated["parameter_schemas", "raw"].problems
    assert_clean(generated["parameter_schemas", "fixed"])
    source = (generated["parameter_schemas", "fixed"].root / "api" / "default" / "list_goals.py").read_text()
    assert "limit: int | Unset = 10" in source


def test_schema_refs_where_a_response_belongs(generated: dict[tuple[str, str], Generated]) -> None:
    responses = fixed("response_schema_refs")["paths"]["/things/{id}"]["patch"]["responses"]
    assert responses["204"] == {"description": "No content"}
    assert responses["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Thing"}
    assert generated["response_schema_refs", "raw"].problems
    assert_clean(generated["response_schema_refs", "fixed"])


def test_allof_over_non_objects(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("allof_non_objects")
    schemas = doc["components"]["schemas"]
    email = schemas["Entry"]["properties"]["author_email"]
    assert email == {"nullable": True, "type": "string", "format": "email"}
    current = schemas["ChangePassword"]["properties"]["current"]
    assert current == {"description": "Current password", "type": "string", "minLength": 8}
    data = doc["paths"]["/sites"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["properties"][
        "data"
    ]
    assert data == {"required": ["id"], "allOf": [{"$ref": "#/components/schemas/Site"}]}
    goal = schemas["Goal"]
    assert "properties" not in goal and len(goal["allOf"]) == 1  # own properties merged with the clashing member
    assert set(goal["allOf"][0]["properties"]["attributes"]["properties"]) == {"name", "website_id"}
    raw = generated["allof_non_objects", "raw"]
    assert any("allOf" in line for line in raw.problems) or "Cannot take allOf" in raw.output
    assert_clean(generated["allof_non_objects", "fixed"])
    assert {"entry", "change_password", "goal", "site"} <= generated["allof_non_objects", "fixed"].modules("models")


def test_content_keys_that_are_not_media_types(generated: dict[tuple[str, str], Generated]) -> None:
    op = fixed("content_keys")["paths"]["/goals/{id}"]["put"]
    assert op["requestBody"]["required"] is True
    assert list(op["requestBody"]["content"]) == ["application/json"]
    assert list(op["responses"]["200"]["content"]) == ["application/json"]  # was */*
    assert list(op["responses"]["409"]["content"]) == ["application/vnd.api+json"]  # was vnd.api.json
    assert generated["content_keys", "raw"].returncode != 0
    assert_clean(generated["content_keys", "fixed"])


def test_operation_names_are_readable_stable_and_unique(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("operation_ids")
    names = {
        f"{m.upper()} {p}": op["operationId"]
        for p, item in doc["paths"].items()
        for m, op in item.items()
        if m != "parameters"
    }
    assert names == {
        "GET /api/tag/v1/{app_id}/tags": "list_tags",
        "POST /api/tag/v1/{app_id}/tags": "create_tag",
        "GET /api/tag/v1/{app_id}/tags/{tag_id}": "get_tag",
        "PATCH /api/tag/v1/{app_id}/tags/{tag_id}": "update_tag",
        "DELETE /api/tag/v1/{app_id}/tags/{tag_id}": "delete_tag",
        "POST /api/tag/v1/{app_id}/tags/{tag_id}/copy": "copy_tag",
        "GET /api/tag/v1/{app_id}/tags/{tag_id}/triggers": "list_tag_triggers",
        "GET /api/tag/v1/{app_id}/versions/draft": "get_draft_version",
        "POST /api/tag/v1/{app_id}/versions/draft/publish": "publish_draft_version",
        "GET /api/users/v2": "list_users",  # api_users_list_v2 does not read as a call
        "POST /api/meta-sites/v1/{meta_site_id}/relationships/apps": "add_apps_to_meta_site",  # kept, no _v1
        "GET /api/meta-sites/v1": "list_meta_sites",  # kept, plural
        "GET /api/container-settings/v1/app/{app_id}/settings/{setting_name}": "get_app_setting",
        "GET /api/container-settings/v1/organization/{organization}/settings/{setting_name}": "get_organization_setting",
    }
    assert_clean(generated["operation_ids", "fixed"])
    assert generated["operation_ids", "fixed"].modules("api") == set(names.values())
    assert "get_api_tag_v1_app_id_tags_tag_id" in generated["operation_ids", "raw"].modules("api")


def test_per_doc_operation_names_win() -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/api/users/v2/invite": {"post": {"operationId": "api_users_invited_v2", "responses": {}}}},
    }
    assert apply_fixes("users", doc).doc["paths"]["/api/users/v2/invite"]["post"]["operationId"] == "invite_user"
    assert apply_fixes("fixture", doc).doc["paths"]["/api/users/v2/invite"]["post"]["operationId"] == "invite"


def test_jsonapi_operations_declare_jsonapi_media_type() -> None:
    doc = fixed("jsonapi_media")
    thing = doc["paths"]["/api/things/v1"]["post"]
    assert list(thing["requestBody"]["content"]) == ["application/vnd.api+json"]
    assert list(thing["responses"]["201"]["content"]) == ["application/vnd.api+json"]
    assert list(thing["responses"]["400"]["content"]) == ["application/vnd.api+json"]  # JSON:API errors document
    assert list(thing["responses"]["401"]["content"]) == ["application/json"]  # the gateway's plain JSON
    query = doc["paths"]["/api/analytics/v1/query/"]["post"]  # plain JSON API: left alone
    assert list(query["requestBody"]["content"]) == ["application/json"]
    assert list(query["responses"]["400"]["content"]) == ["application/json"]


def test_schema_shapes_the_generator_cannot_take(generated: dict[tuple[str, str], Generated]) -> None:
    props = fixed("schema_shapes")["components"]["schemas"]["Operation"]["properties"]
    assert props["tags"]["items"] == {}
    assert props["has_changes"] == {"type": "boolean"}
    assert "enum" not in props["event_type"] and props["event_type"]["nullable"] is True
    assert props["level"] == {"enum": ["low", "high"], "type": "string"}
    assert generated["schema_shapes", "raw"].problems
    assert_clean(generated["schema_shapes", "fixed"])


def test_union_repairs(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("unions")
    schemas = doc["components"]["schemas"]
    assert list(schemas).index("BaseActivation") < list(schemas).index("WebhookActivation")
    assert schemas["Activation"] == {"description": "one kind today", "$ref": "#/components/schemas/WebhookActivation"}
    body = schemas["WebhookActivation"]["allOf"][1]["properties"]["body"]
    assert body["nullable"] is True and body["type"] == "object" and "oneOf" not in body
    options = schemas["Condition"]["properties"]["options"]["anyOf"]  # {} fits both: union-overlap
    assert [o["title"] for o in options] == ["Selector options", "Default options"]
    assert generated["unions", "raw"].problems
    gen = generated["unions", "fixed"]
    assert_clean(gen)
    # The specific member is tried first, so its key survives a round trip.
    condition = load(gen, "models.condition").Condition
    assert condition.from_dict({"options": {"selector_type": "css"}}).to_dict() == {"options": {"selector_type": "css"}}


def test_model_names_do_not_clash(generated: dict[tuple[str, str], Generated]) -> None:
    doc = fixed("model_names")
    body = doc["paths"]["/api/tag/v1/{app_id}/tags"]["post"]["requestBody"]["content"]["application/vnd.api+json"]
    assert [m["title"] for m in body["schema"]["anyOf"]] == ["Custom tag request", "Popup request"]
    assert any("duplicate models" in line for line in generated["model_names", "raw"].output.splitlines()) or (
        "create_tag" not in generated["model_names", "raw"].modules("api")
    )
    gen = generated["model_names", "fixed"]
    assert_clean(gen)
    assert {"create_tag_custom_tag", "create_tag_custom_tag_request"} <= gen.modules("models")


def test_ndjson_streams_are_text(generated: dict[tuple[str, str], Generated]) -> None:
    media = fixed("ndjson_streams")["paths"]["/api/tracker/v1/logs"]["get"]["responses"]["200"]["content"]
    schema = media["application/x-ndjson"]["schema"]
    assert schema["type"] == "string" and schema["x-ndjson-item"] == {"$ref": "#/components/schemas/Log"}
    gen = generated["ndjson_streams", "fixed"]
    assert_clean(gen)
    body = '{"at": "1"}\n{"at": "2"}\n'
    response = httpx.Response(200, content=body.encode(), headers={"content-type": "application/x-ndjson"})
    parsed = load(gen, "api.default.stream_logs")._parse_response(client=StubClient(), response=response)
    assert parsed == body


def test_multipart_fields_with_a_media_type_format_are_files(generated: dict[tuple[str, str], Generated]) -> None:
    body = fixed("multipart_files")["paths"]["/api/tag/v1/{app_id}/versions/import-file"]["post"]["requestBody"]
    props = body["content"]["multipart/form-data"]["schema"]["properties"]
    assert props["file"] == {"type": "string", "format": "binary", "x-content-type": "application/json"}
    assert props["note"] == {"type": "string"}
    gen = generated["multipart_files", "fixed"]
    assert_clean(gen)
    model = load(gen, "models.import_version_file_body").ImportVersionFileBody
    raw_model = load(generated["multipart_files", "raw"], "models.import_version_file_body").ImportVersionFileBody
    assert "File" in str(model.__annotations__["file"])  # sent as a file part
    assert "File" not in str(raw_model.__annotations__["file"])  # was a text field


def test_schemas_follow_their_examples(generated: dict[tuple[str, str], Generated]) -> None:
    """The examples show what the API sends: the fixed schema parses them and gives them back."""
    doc = fixed("examples_conform")
    error = doc["components"]["schemas"]["ErrorObject"]["properties"]["errors"]["items"]
    assert error["required"] == ["status"]
    thing = doc["components"]["schemas"]["Thing"]
    assert thing["required"] == ["state"]
    assert thing["properties"]["state"]["enum"] == ["active", "archived"]
    assert thing["properties"]["ratio"]["type"] == "number"
    assert thing["properties"]["next"]["nullable"] is True
    assert thing["properties"]["options"]["anyOf"][1] == {"type": "array", "items": {}}
    assert thing["properties"]["extra"] == {"type": "object"}
    raw_doc = fixture("examples_conform")
    op = raw_doc["paths"]["/api/users/v2/{id}"]["delete"]
    cases = [
        (200, op["responses"]["200"]["content"]["application/vnd.api+json"]["example"]),
        (409, raw_doc["components"]["examples"]["id_mismatch"]["value"]),
    ]
    for kind, expect_ok in (("raw", False), ("fixed", True)):
        module = load(generated["examples_conform", kind], "api.default.delete_user")
        for status, example in cases:
            response = httpx.Response(status, content=json.dumps(example).encode())
            try:
                ok = module._parse_response(client=StubClient(), response=response).to_dict() == example
            except (KeyError, ValueError, TypeError):
                ok = False
            assert ok is expect_ok, f"{kind} {status}"


def test_prose_loses_escape_sequences_and_bidi_controls_data_keeps_them() -> None:
    from ._support import FIXTURES

    raw = json.loads((FIXTURES / "hostile" / "prose_controls.json").read_text())
    result = apply_fixes("fixture", raw)
    fired = [a for a in result.applied if a.rule == "prose-controls"]
    doc = result.doc
    op = doc["paths"]["/api/prose/v1"]["get"]
    assert op["summary"] == "List esorp items"
    assert op["description"] == "Line one\nline\ttwo isolated "  # newline and tab are harmless
    assert doc["info"] == {"title": "Prose evil", "version": "1", "description": "red"}
    prose = doc["components"]["schemas"]["Prose"]
    assert (prose["title"], prose["description"]) == ("Prose", "A  prose item")
    assert prose["properties"]["text"] == {"type": "string", "description": "the text", "example": "data \x1b[1m stays"}
    # A property called "description" is a schema, not prose.
    assert prose["properties"]["description"] == {"type": "string", "title": "a property named description"}
    example = op["responses"]["200"]["content"]["application/json"]["examples"]["one"]
    assert example == {"summary": "one", "value": {"text": "keep \x1b[1m this \u202e"}}
    assert len(fired) == 9 and all("control/bidi" in a.detail for a in fired)
    assert apply_fixes("fixture", doc).applied == [
        a for a in apply_fixes("fixture", doc).applied if a.rule != "prose-controls"
    ]


def test_jsonapi_success_documents_require_data_id_and_type(generated: dict[tuple[str, str], Generated]) -> None:
    schemas = fixed("jsonapi_responses")["components"]["schemas"]
    assert schemas["ThingDocument"]["required"] == ["data"]
    assert sorted(schemas["Thing"]["required"]) == ["id", "type"]  # in data and in data[]
    assert schemas["Note"]["required"] == ["type"]  # the doc's example has no id: what the API sends
    assert schemas["NewThing"]["required"] == ["type"]  # a POST body creates it: no id yet
    assert "required" not in schemas["Errors"]  # not a success document
    listing = fixed("jsonapi_responses")["paths"]["/api/things/v1"]["get"]["responses"]["200"]
    assert listing["content"]["application/vnd.api+json"]["schema"]["required"] == ["data"]
    report = {(a.location, a.detail) for a in apply_fixes("fixture", fixture("jsonapi_responses")).applied}
    assert (
        "/components/schemas/Note/required",
        "JSON:API resource object: 'id' left optional (a doc example leaves it out)",
    ) in report
    assert_clean(generated["jsonapi_responses", "fixed"])
    for kind, id_type in (("raw", "str | Unset"), ("fixed", "str")):
        thing = load(generated["jsonapi_responses", kind], "models.thing").Thing
        assert thing.__annotations__["id"] == id_type, kind
        note = load(generated["jsonapi_responses", kind], "api.default.get_note")
        example = fixture("jsonapi_responses")["paths"]["/api/notes/v1/{note_id}"]["get"]["responses"]["200"]
        body = example["content"]["application/vnd.api+json"]["example"]
        parsed = note._parse_response(client=StubClient(), response=httpx.Response(200, json=body))
        assert parsed.to_dict() == body, kind


def _reordered(node: Any) -> Any:
    """The same doc listed in reverse order: every object's keys and every `required` list."""
    if isinstance(node, dict):
        return {
            k: (v[::-1] if isinstance(v, list) and k == "required" else _reordered(v))
            for k, v in reversed(node.items())
        }
    if isinstance(node, list):
        return [_reordered(v) for v in node]
    return node


def _normal(node: Any) -> str:
    """JSON with keys and `required` lists sorted: equal for the same content in any order."""

    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sorted(v) if k == "required" and isinstance(v, list) else sort(v) for k, v in value.items()}
        return [sort(v) for v in value] if isinstance(value, list) else value

    return json.dumps(sort(node), sort_keys=True)


def test_structurally_identical_models_are_merged(generated: dict[tuple[str, str], Generated]) -> None:
    result = apply_fixes("fixture", fixture("merge_models"))
    doc, schemas = result.doc, result.doc["components"]["schemas"]
    # Named after what every place has in common (a property), or what it holds when only
    # "response_400"/"response_401"/... is common; descriptions and examples do not count.
    assert set(schemas) == {"Widget", "Kind", "Size", "ResponseErrors", "Response200Data"}
    assert schemas["Kind"]["enum"] == ["small", "large"] and "title" not in schemas["ResponseErrors"]
    ops = doc["paths"]["/widgets"], doc["paths"]["/widgets/{id}"]
    errors = [ops[0]["get"]["responses"]["400"], ops[0]["post"]["responses"]["401"], ops[1]["get"]["responses"]["404"]]
    assert {e["content"]["application/json"]["schema"]["$ref"] for e in errors} == {
        "#/components/schemas/ResponseErrors"
    }
    # An inline copy of a component refers to it, whatever its title and property order.
    listed = ops[0]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert listed["items"] == {"$ref": "#/components/schemas/Widget"}
    assert schemas["Response200Data"]["properties"]["data"] == {"$ref": "#/components/schemas/Widget"}
    # A request body keeps its own model; one differing in `required` only is not merged.
    body = ops[0]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" not in body and body["properties"]["data"] == {"$ref": "#/components/schemas/Widget"}
    patch = ops[1]["patch"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert "$ref" not in patch and patch["properties"]["kind"] == {"$ref": "#/components/schemas/Kind"}
    # The fix report lists every merge, each place once.
    merges = [a for a in result.applied if a.rule == "merge-models"]
    assert len(merges) == len({a.location for a in merges}) == 21
    assert all("merged into #/components/schemas/" in a.detail for a in merges)
    # The same doc listed in another order gives the same names and the same contents.
    again = apply_fixes("fixture", _reordered(fixture("merge_models"))).doc["components"]["schemas"]
    assert {k: _normal(v) for k, v in again.items()} == {k: _normal(v) for k, v in schemas.items()}
    # The generator writes one model per shape, and drops nothing.
    gen, raw = generated["merge_models", "fixed"], generated["merge_models", "raw"]
    assert_clean(gen)
    assert {"kind", "size", "response_errors", "widget"} <= gen.modules("models")
    assert len(gen.modules("models")) < len(raw.modules("models")) / 2


def _kinds(doc: dict[str, Any], path: str) -> list[list[str]]:
    schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    members = schema.get("oneOf") or schema.get("anyOf")
    out = []
    for member in members:
        props = member["properties"]
        if "data" in props:
            props = props["data"]["properties"]["attributes"]["properties"]
        prop = props.get("kind", props.get("shape", {}))
        if "$ref" in prop:  # merge-models hoists identical enums into one component
            prop = doc["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]]
        out.append(prop.get("enum"))
    return out


def test_union_members_get_the_discriminator_values_their_titles_name() -> None:
    assert "union-discriminators" in rules_fired("union_discriminators")
    doc = fixed("union_discriminators")
    # "Red box" -> red_box, "Blue box" -> blue_box, "Hotbox (heated) [DEPRECATED]" -> hot_box, "Wooden crate" -> crate
    assert _kinds(doc, "/boxes") == [["red_box"], ["blue_box"], ["hot_box"], ["crate"]]
    # Titles that name no value ("First", "Second", "Third"): the union is left as the doc has it.
    assert _kinds(doc, "/shapes") == [["x", "y", "z"]] * 3
    # Narrowed members no longer overlap: the oneOf stays a oneOf.
    assert "oneOf" in doc["paths"]["/boxes"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_union_members_without_a_type_take_their_unions_type(generated: dict[tuple[str, str], Generated]) -> None:
    assert "union-member-types" in rules_fired("union_member_types")
    props = fixed("union_member_types")["components"]["schemas"]["Report"]["properties"]
    assert [m.get("type") for m in props["start"]["anyOf"]] == ["string", "string"]
    size = props["size"].get("oneOf") or props["size"]["anyOf"]  # union-overlap may relax it
    assert [m.get("type") for m in size] == ["integer", "integer"]
    assert [m.get("type") for m in props["mixed"]["anyOf"]] == ["string", "integer"]  # a typed member stays
    assert props["ref"]["anyOf"][0] == {"$ref": "#/components/schemas/Code"}  # a reference is left alone
    assert props["ref"]["anyOf"][1]["type"] == "string"
    assert_clean(generated["union_member_types", "fixed"])
    raw = load(generated["union_member_types", "raw"], "models.report").Report
    report = load(generated["union_member_types", "fixed"], "models.report").Report
    # The raw doc's members have no type: the generator types `start` as Any; fixed, it is a date or a str.
    assert "Any" in str(raw.__annotations__["start"])
    assert "Any" not in str(report.__annotations__["start"])
    assert report.from_dict({"start": "2026-01-01"}).to_dict() == {"start": "2026-01-01"}
    assert report.from_dict({"start": "2026-01-01T10:00:00"}).to_dict() == {"start": "2026-01-01T10:00:00"}

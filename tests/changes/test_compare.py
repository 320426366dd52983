"""One change class per test, on variants of a small fixture doc: kind, breaking flag, message."""

from __future__ import annotations

import json
from typing import Any

import pytest
from piwik_pro_spec.changes import Change, ChangeReport, compare

from ._helpers import LIST, ONE, ONE_KEY, PIPELINE, lock_of, op, variant, widget_schema, widgets_doc


def _diff(edit: Any) -> ChangeReport:
    return compare(lock_of({"widgets": widgets_doc()}), lock_of({"widgets": variant(edit)}))


def _only(report: ChangeReport, kind: str) -> Change:
    matching = [c for c in report.changes if c.kind == kind]
    assert len(matching) == 1, report.to_text()
    return matching[0]


def test_same_docs_twice_is_no_change() -> None:
    report = compare(lock_of({"widgets": widgets_doc()}), lock_of({"widgets": widgets_doc()}))
    assert report.is_empty and not report.has_breaking
    assert report.to_text() == "No changes: the docs match the lock.\n"
    assert "No changes" in report.to_markdown()
    assert json.loads(report.to_json())["changes"] == []


def test_no_old_lock_reports_every_doc_added() -> None:
    report = compare(None, lock_of({"widgets": widgets_doc()}))
    change = _only(report, "doc-added")
    assert not change.breaking and "5 operations" in change.message


def test_doc_added_and_removed() -> None:
    report = compare(lock_of({"widgets": widgets_doc()}), lock_of({"gadgets": widgets_doc()}))
    assert {(c.doc, c.kind, c.breaking) for c in report.changes} == {
        ("gadgets", "doc-added", False),
        ("widgets", "doc-removed", True),
    }
    assert report.removed_docs == ["widgets"]


def test_doc_that_comes_back_empty_is_removed() -> None:
    report = _diff(lambda d: d.update(paths={}))
    assert _only(report, "doc-removed").breaking
    assert report.removed_docs == ["widgets"]
    assert not [c for c in report.changes if c.kind == "operation-removed"]  # one change, not one per operation


def test_doc_missing_upstream_but_kept_in_the_lock_is_removed() -> None:
    same = lock_of({"widgets": widgets_doc()})
    report = compare(same, same, missing=["widgets"])
    assert _only(report, "doc-removed").breaking and "missing upstream" in report.changes[0].message
    assert report.removed_docs == ["widgets"]


def test_prose_only_edit_is_a_non_breaking_doc_update() -> None:
    report = _diff(lambda d: op(d, "get", LIST).update(summary="Another summary"))
    assert not _only(report, "doc-updated").breaking


def test_pipeline_change_is_reported() -> None:
    old = lock_of({"widgets": widgets_doc()})
    new = lock_of({"widgets": widgets_doc()}, {**PIPELINE, "generator": "openapi-python-client 0.30.0"})
    change = _only(compare(old, new), "pipeline-changed")
    assert not change.breaking and "0.30.0" in change.message


def test_operation_added_is_not_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"][ONE]["patch"] = {"operationId": "updateWidget", "responses": {"204": {"description": "x"}}}

    change = _only(_diff(edit), "operation-added")
    assert not change.breaking and change.operation == "update_widget"
    assert f"`update_widget` added (PATCH {ONE_KEY})" in change.message


def test_operation_removed_is_breaking() -> None:
    change = _only(_diff(lambda d: d["paths"][ONE].pop("get")), "operation-removed")
    assert change.breaking and change.operation == "get_widget"


def test_operation_renamed_at_the_same_path_is_breaking() -> None:
    report = _diff(lambda d: op(d, "get", ONE).update(operationId="fetchWidget"))
    change = _only(report, "operation-renamed")
    assert change.breaking and "`get_widget` renamed to `fetch_widget`" in change.message
    assert len(report.changes) == 1


def test_operation_moved_to_another_module_is_breaking() -> None:
    change = _only(_diff(lambda d: op(d, "get", ONE).update(tags=["Gadgets"])), "operation-module-moved")
    assert change.breaking and "api.gadgets" in change.message


def test_operation_with_the_same_name_at_a_new_path_is_moved() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/api/widgets/v2/tree"] = d["paths"].pop("/api/widgets/v1/tree")

    report = _diff(edit)
    change = _only(report, "operation-moved")
    assert not change.breaking  # same function, same arguments: callers do not notice
    assert change.message == "`get_widget_tree` moved: GET /api/widgets/v1/tree -> GET /api/widgets/v2/tree"
    assert not [c for c in report.changes if c.kind in ("operation-added", "operation-removed")]


def test_move_that_changes_the_call_is_breaking_and_heads_its_changes() -> None:
    def edit(d: dict[str, Any]) -> None:
        item = d["paths"].pop("/api/widgets/v1/tree")
        item["get"]["parameters"] = [{"name": "appId", "in": "path", "required": True, "schema": {"type": "string"}}]
        d["paths"]["/api/widgets/v2/{appId}/tree"] = item

    report = _diff(edit)
    moved = _only(report, "operation-moved")
    assert moved.breaking
    lines = report.to_text().splitlines()
    at = lines.index(f"  BREAKING  {moved.message}")
    assert "required path parameter `appId` added" in lines[at + 1]


def test_renamed_path_parameter_with_a_new_keyword_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        for method in ("get", "delete"):
            for param in op(d, method, ONE)["parameters"]:
                if param["name"] == "widgetId":
                    param["name"] = "gadgetId"
        d["paths"][ONE.replace("widgetId", "gadgetId")] = d["paths"].pop(ONE)

    report = _diff(edit)
    renames = [c for c in report.changes if c.kind == "parameter-renamed"]
    assert {c.operation for c in renames} == {"get_widget", "delete_api_widgets_v_1_app_id_widgets_gadget_id"}
    get = next(c for c in renames if c.operation == "get_widget")
    assert get.breaking and "`widgetId` renamed to `gadgetId`" in get.message
    assert "keyword argument `widget_id` -> `gadget_id`" in get.message
    # matched as the same operation: nothing removed, nothing added
    assert not [c for c in report.changes if c.kind in ("operation-added", "operation-removed", "parameter-removed")]


def test_path_parameter_respelled_with_the_same_keyword_is_breaking_and_says_why() -> None:
    # appId -> app_id: snake_case gives `app_id` for both, but `appId=` stops working in the CLI.
    def edit(d: dict[str, Any]) -> None:
        for param in d["paths"][LIST]["parameters"]:
            param["name"] = "app_id"
        d["paths"][LIST.replace("appId", "app_id")] = d["paths"].pop(LIST)

    report = _diff(edit)
    renames = [c for c in report.changes if c.kind == "parameter-renamed"]
    assert {c.operation for c in renames} == {"list_widgets", "create_widget"}
    assert all(c.breaking for c in renames)
    assert "path parameter `appId` renamed to `app_id` (Python keyword stays `app_id`" in renames[0].message


def test_undeclared_path_parameter_is_inventoried_from_the_template() -> None:
    # the template names {appId} but the doc declares only `app_id`: the call still takes the template's name
    def edit(d: dict[str, Any]) -> None:
        op(d, "get", ONE)["parameters"][0]["name"] = "app_id"

    old = lock_of({"widgets": widgets_doc()})
    new = lock_of({"widgets": variant(edit)})
    params = new["docs"]["widgets"]["operations"][f"GET {ONE_KEY}"]["parameters"]
    assert params["path appId"]["undeclared"] is True
    assert "path app_id" not in params
    assert compare(old, new).to_text().count("type `UUID` -> `str`") == 1


@pytest.mark.parametrize(
    ("required", "breaking"),
    [(False, False), (True, True)],
)
def test_parameter_added(required: bool, breaking: bool) -> None:
    new_param = {"name": "sort", "in": "query", "required": required, "schema": {"type": "string"}}
    change = _only(_diff(lambda d: op(d, "get", LIST)["parameters"].append(new_param)), "parameter-added")
    assert change.breaking is breaking
    assert ("required" if required else "optional") in change.message and "`sort`" in change.message


def test_parameter_removed_is_breaking() -> None:
    change = _only(_diff(lambda d: op(d, "get", LIST)["parameters"].pop(0)), "parameter-removed")
    assert change.breaking and "keyword argument `page_limit`" in change.message


def test_parameter_newly_required_is_breaking() -> None:
    change = _only(_diff(lambda d: op(d, "get", LIST)["parameters"][0].update(required=True)), "parameter-now-required")
    assert change.breaking and "`page[limit]`" in change.message


def test_parameter_type_change_is_breaking() -> None:
    change = _only(
        _diff(lambda d: op(d, "get", LIST)["parameters"][0].update(schema={"type": "string"})),
        "parameter-type-changed",
    )
    assert change.breaking and "`int` -> `str`" in change.message


def test_body_field_newly_required_is_breaking() -> None:
    change = _only(_diff(lambda d: widget_schema(d)["required"].append("size")), "body-field-now-required")
    assert change.breaking and "`data.attributes.size`" in change.message


def test_required_body_field_added_is_breaking_optional_is_not() -> None:
    def edit(d: dict[str, Any]) -> None:
        body = op(d, "post", LIST)["requestBody"]["content"]["application/vnd.api+json"]["schema"]
        body["properties"]["meta"] = {"type": "object", "properties": {"note": {"type": "string"}}}
        body["properties"]["included"] = {"type": "array", "items": {"type": "object"}}
        body["required"].append("meta")

    report = _diff(edit)
    added = {c.message.split("`")[3]: c.breaking for c in report.changes if c.kind == "body-field-added"}
    # `meta.note` is reported with its parent, not on its own
    assert added == {"meta": True, "included": False}


def test_body_field_removed_is_breaking() -> None:
    report = _diff(lambda d: widget_schema(d)["properties"].pop("size"))
    body = [c for c in report.changes if c.kind == "body-field-removed"]
    assert len(body) == 1 and body[0].breaking and "`data.attributes.size`" in body[0].message


def test_response_field_removed_is_breaking_added_is_not() -> None:
    def edit(d: dict[str, Any]) -> None:
        schema = op(d, "get", LIST)["responses"]["200"]["content"]["application/vnd.api+json"]["schema"]
        schema["properties"]["meta"]["properties"] = {"count": {"type": "integer"}}
        schema["properties"]["meta"]["required"] = []

    report = _diff(edit)
    removed = _only(report, "response-field-removed")
    added = _only(report, "response-field-added")
    assert removed.breaking and "response 200 field `meta.total` removed" in removed.message
    assert not added.breaking and "`meta.count`" in added.message


def test_response_field_no_longer_required_is_breaking() -> None:
    report = _diff(lambda d: widget_schema(d)["required"].remove("name"))
    optional = [c for c in report.changes if c.kind == "response-field-now-optional"]
    assert optional and all(c.breaking for c in optional)


def test_response_field_now_required_is_not_breaking() -> None:
    report = _diff(lambda d: widget_schema(d)["required"].append("color"))
    present = [c for c in report.changes if c.kind == "response-field-now-required"]
    assert present and not any(c.breaking for c in present)
    assert all(c.message.endswith("attributes.color` is now always present") for c in present), present
    assert _only(report, "body-field-now-required").breaking  # the same field, sent: callers must now give it


def test_content_type_changed_is_breaking_added_is_not() -> None:
    def change_type(d: dict[str, Any]) -> None:
        content = op(d, "post", LIST)["requestBody"]["content"]
        content["application/json"] = content.pop("application/vnd.api+json")

    changed = _only(_diff(change_type), "content-type-changed")
    assert changed.breaking and "`application/vnd.api+json` -> `application/json`" in changed.message

    def add_type(d: dict[str, Any]) -> None:
        content = op(d, "post", LIST)["requestBody"]["content"]
        content["application/json"] = content["application/vnd.api+json"]

    assert not _only(_diff(add_type), "content-type-added").breaking


def test_response_content_type_changed_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        content = op(d, "get", ONE)["responses"]["200"]["content"]
        content["application/json"] = content.pop("application/vnd.api+json")

    change = _only(_diff(edit), "content-type-changed")
    assert change.breaking and change.message.startswith("`get_widget`: response 200 content type")


def test_enum_value_removed_is_breaking_added_is_not() -> None:
    def edit(d: dict[str, Any]) -> None:
        op(d, "get", LIST)["parameters"][1]["schema"]["enum"] = ["round", "oval"]

    report = _diff(edit)
    removed = _only(report, "enum-values-removed")
    added = _only(report, "enum-values-added")
    assert removed.breaking and '"square"' in removed.message
    assert not added.breaking and '"oval"' in added.message


def test_body_enum_value_removed_is_breaking() -> None:
    report = _diff(lambda d: widget_schema(d)["properties"]["color"]["enum"].remove("blue"))
    body = [c for c in report.changes if c.kind == "enum-values-removed" and "body" in c.message]
    assert len(body) == 1 and body[0].breaking and '"blue"' in body[0].message


def test_success_response_removed_is_breaking_error_response_is_not() -> None:
    report = _diff(lambda d: op(d, "get", ONE)["responses"].pop("404"))
    assert not _only(report, "response-removed").breaking
    report = _diff(lambda d: op(d, "delete", ONE)["responses"].pop("204"))
    assert _only(report, "response-removed").breaking


def test_formats_carry_the_same_changes() -> None:
    report = _diff(lambda d: d["paths"][ONE].pop("get"))
    assert report.has_breaking
    text, markdown, payload = report.to_text(), report.to_markdown(), json.loads(report.to_json())
    assert f"BREAKING  `get_widget` removed (GET {ONE_KEY})" in text
    assert "### Breaking changes" in markdown and "- `get_widget` removed" in markdown
    assert payload["has_breaking"] is True and payload["is_empty"] is False
    assert payload["changes"] == [
        {
            "doc": "widgets",
            "kind": "operation-removed",
            "breaking": True,
            "operation": "get_widget",
            "message": f"`get_widget` removed (GET {ONE_KEY})",
        }
    ]


def test_non_breaking_changes_go_under_other_changes_in_markdown() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"][ONE]["patch"] = {"operationId": "updateWidget", "responses": {"204": {"description": "x"}}}

    markdown = _diff(edit).to_markdown()
    assert "### Breaking changes" not in markdown
    assert "### Other changes" in markdown and "`update_widget` added" in markdown


def test_markdown_nests_several_changes_of_one_operation() -> None:
    def edit(d: dict[str, Any]) -> None:
        op(d, "get", LIST)["parameters"][0].update(required=True)
        op(d, "get", LIST)["parameters"][1]["schema"]["enum"] = ["round"]

    markdown = _diff(edit).to_markdown()
    assert "- `list_widgets`\n  - query parameter " in markdown
    assert "  - query parameter `page[limit]` is now required\n" in markdown
    assert '  - query parameter `filter[kind]` no longer accepts "square"' in markdown


def test_type_widening_breaks_responses_not_inputs() -> None:
    # `size` is in the create body and in every response: int -> int|str
    report = _diff(lambda d: widget_schema(d)["properties"]["size"].update(type=["integer", "string"]))
    body = [c for c in report.changes if c.kind == "body-field-type-changed"]
    response = [c for c in report.changes if c.kind == "response-field-type-changed"]
    assert body and not any(c.breaking for c in body)
    assert response and all(c.breaking for c in response)
    assert "`int` -> `int|str`" in body[0].message


def test_parameter_narrowing_is_breaking_widening_is_not() -> None:
    def narrow(d: dict[str, Any]) -> None:
        op(d, "get", ONE)["parameters"][1]["schema"] = {"type": "string", "format": "uuid"}

    narrowed = _only(_diff(narrow), "parameter-type-changed")
    assert narrowed.breaking and "`str` -> `UUID`" in narrowed.message

    def widen(d: dict[str, Any]) -> None:
        op(d, "get", ONE)["parameters"][1]["schema"] = {}

    assert not _only(_diff(widen), "parameter-type-changed").breaking


def test_enum_dropped_is_breaking() -> None:
    change = _only(_diff(lambda d: op(d, "get", LIST)["parameters"][1]["schema"].pop("enum")), "enum-dropped")
    assert change.breaking and "Enum class" in change.message


def test_new_enum_breaks_inputs_not_responses() -> None:
    report = _diff(lambda d: widget_schema(d)["properties"]["name"].update(enum=["a", "b"]))
    restricted = [c for c in report.changes if "is now restricted" in c.message]
    assert {("body" in c.message, c.breaking) for c in restricted} == {(True, True), (False, False)}


def test_model_classes_renamed_or_merged_away_are_breaking_where_both_locks_name_them() -> None:
    from piwik_pro_spec.changes import compare_models
    from piwik_pro_spec.lock import with_models

    old = with_models(lock_of({"widgets": widgets_doc()}), {"widgets": ["ColumnsItem", "Widget", "WidgetKind"]})
    new = with_models(lock_of({"widgets": widgets_doc()}), {"widgets": ["QueryColumnsItem", "Widget", "WidgetKind"]})
    assert compare(old, new).is_empty  # the same fields: the doc comparison cannot see a class name
    found = compare_models(old, new)
    assert [(c.kind, c.breaking) for c in found] == [("model-removed", True), ("model-added", False)]
    assert "`ColumnsItem`" in found[0].message and "imports by name fail" in found[0].message
    assert "`QueryColumnsItem`" in found[1].message
    assert compare_models(old, old) == []
    # A lock written before class names were recorded has nothing to compare with.
    assert compare_models(lock_of({"widgets": widgets_doc()}), new) == []


def test_model_names_sit_in_the_entry_before_the_operations() -> None:
    from piwik_pro_spec.lock import dumps_lock, with_models

    text = dumps_lock(with_models(lock_of({"widgets": widgets_doc()}), {"widgets": ["B", "A"], "absent": ["X"]}))
    entry = json.loads(text)["docs"]["widgets"]
    assert list(entry)[-2:] == ["models", "operations"] and entry["models"] == ["B", "A"]
    assert "absent" not in json.loads(text)["docs"]  # only docs the lock has

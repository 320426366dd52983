"""The lock: facts only, names as openapi-python-client 0.29.1 generates them, stable and atomic on disk."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from piwik_pro_spec.lock import LockError, build_lock, doc_entry, dumps_lock, read_lock, write_lock

from ._helpers import FIXTURES, LIST_KEY, ONE_KEY, PIPELINE, lock_of, widgets_doc


def _entry() -> dict[str, Any]:
    raw = (FIXTURES / "widgets.json").read_bytes()
    return doc_entry("widgets", "widgets.json", raw, json.loads(raw))


def test_entry_holds_hash_version_and_inventory() -> None:
    entry = _entry()
    assert entry["file"] == "widgets.json" and entry["package"] == "widgets"
    assert entry["spec"] == "openapi 3.0.3"
    assert len(entry["sha256"]) == 64
    ops = entry["operations"]
    assert set(ops) == {
        f"GET {LIST_KEY}",
        f"POST {LIST_KEY}",
        f"GET {ONE_KEY}",
        f"DELETE {ONE_KEY}",
        "GET /api/widgets/v1/tree",
    }
    listing = ops[f"GET {LIST_KEY}"]
    assert listing["name"] == "list_widgets" and listing["tag"] == "widgets"
    assert listing["parameters"] == {
        "path appId": {"position": 0, "python_name": "app_id", "required": True, "type": "UUID"},
        "query filter[kind]": {
            "enum": ["round", "square"],
            "python_name": "filter_kind",
            "required": False,
            "type": "str",
        },
        "query page[limit]": {"python_name": "page_limit", "required": False, "type": "int"},
    }
    assert listing["responses"]["200"]["fields"]["data[].attributes.created_at"] == {
        "required": False,
        "type": "datetime",
    }
    assert listing["responses"]["401"] == {"content_types": ["application/vnd.api+json"]}  # no fields for errors
    create = ops[f"POST {LIST_KEY}"]["body"]
    assert create["content_types"] == ["application/vnd.api+json"] and create["required"] is True
    assert create["fields"]["data.type"] == {"enum": ["widget"], "required": True, "type": "str"}


def test_recursive_schema_stops() -> None:
    fields = _entry()["operations"]["GET /api/widgets/v1/tree"]["responses"]["200"]["fields"]
    assert fields == {"children": {"required": False, "type": "list[object]"}, "id": {"required": True, "type": "str"}}


def test_oneof_variants_are_merged() -> None:
    doc = widgets_doc()
    schema = doc["components"]["schemas"]["WidgetAttributes"]
    doc["components"]["schemas"]["WidgetAttributes"] = {
        "oneOf": [
            schema,
            {
                "type": "object",
                "required": ["name", "radius"],
                "properties": {"name": {"type": "string"}, "radius": {"type": "number"}},
            },
        ]
    }
    fields = lock_of({"w": doc})["docs"]["w"]["operations"][f"GET {ONE_KEY}"]["responses"]["200"]["fields"]
    assert fields["data.attributes.name"]["required"] is True  # every variant requires it
    assert fields["data.attributes.radius"] == {"required": False, "type": "float"}  # one variant only
    assert fields["data.attributes.color"]["enum"] == ["blue", "green", "red"]


def test_swagger_2_doc_is_inventoried_before_conversion() -> None:
    doc = {
        "swagger": "2.0",
        "produces": ["application/json"],
        "paths": {
            "/api/things/{id}": {
                "put": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "string"},
                        {"name": "body", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Thing"}},
                    ],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}},
                }
            }
        },
        "definitions": {"Thing": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}},
    }
    entry = doc_entry("things", "things.json", json.dumps(doc).encode(), doc)
    op = entry["operations"]["PUT /api/things/{id}"]
    assert entry["spec"] == "swagger 2.0"
    assert op["name"] == "put_api_things_id"
    assert op["body"]["fields"] == {"n": {"required": True, "type": "int"}}
    assert op["responses"]["200"]["fields"] == {"n": {"required": True, "type": "int"}}


@pytest.mark.timeout(120)
def test_names_match_what_openapi_python_client_generates(tmp_path: Path) -> None:
    """Module names and keyword arguments in the lock are the ones the pipeline generates."""
    pytest.importorskip("openapi_python_client")
    from piwik_pro_spec.generate import generate_doc

    result = generate_doc("widgets", "widgets", (FIXTURES / "widgets.json").read_bytes(), tmp_path)
    assert result.fatal is None and result.problems == [], (result.fatal, result.problems)
    api = tmp_path / "piwik_pro_api" / "widgets" / "api"
    generated = {p.parent.name + "." + p.stem: p for p in api.glob("*/*.py") if p.stem != "__init__"}
    ops = _entry()["operations"]
    assert set(generated) == {f"{o['tag']}.{o['name']}" for o in ops.values()}
    for o in ops.values():
        tree = ast.parse(generated[f"{o['tag']}.{o['name']}"].read_text(encoding="utf-8"))
        func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "sync_detailed")
        kwargs = {a.arg for a in func.args.args + func.args.kwonlyargs} - {"client", "body"}
        assert kwargs == {p["python_name"] for p in o["parameters"].values()}, o["name"]


def _list_doc(*names: str) -> bytes:
    params = [{"name": n, "in": "query", "schema": {"type": "string"}} for n in names]
    op = {"operationId": "list_things", "parameters": params, "responses": {"204": {"description": "ok"}}}
    return json.dumps(
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/things": {"get": op}}}
    ).encode()


@pytest.mark.timeout(120)
def test_bracketed_parameter_names_become_readable_keywords(tmp_path: Path) -> None:
    pytest.importorskip("openapi_python_client")
    from piwik_pro_spec.generate import generate_doc

    result = generate_doc("things", "things", _list_doc("filter[is_active]", "page[limit]"), tmp_path)
    assert result.fatal is None, result.fatal
    (op,) = result.operations
    assert {p["name"]: p["python_name"] for p in op["parameters"]} == {
        "filter[is_active]": "filter_is_active",
        "page[limit]": "page_limit",
    }
    code = (tmp_path / "piwik_pro_api" / "things" / "api" / "default" / "list_things.py").read_text()
    assert 'params["filter[is_active]"] = filter_is_active' in code  # the API's name on the wire
    assert "API name `filter[is_active]`" in code  # and in the docstring
    entry = doc_entry(
        "things",
        "t.json",
        _list_doc("filter[is_active]", "page[limit]"),
        json.loads(_list_doc("filter[is_active]", "page[limit]")),
    )
    assert {k: p["python_name"] for k, p in entry["operations"]["GET /things"]["parameters"].items()} == {
        "query filter[is_active]": "filter_is_active",
        "query page[limit]": "page_limit",
    }


@pytest.mark.timeout(120)
def test_two_parameter_names_for_one_keyword_fail_naming_the_doc(tmp_path: Path) -> None:
    pytest.importorskip("openapi_python_client")
    from piwik_pro_spec.generate import generate_doc

    result = generate_doc("things", "things", _list_doc("filter[name]", "filter.name"), tmp_path)
    assert result.fatal is not None
    assert result.fatal.startswith("things: operation list_things:") and "'filter_name'" in result.fatal


def test_lock_has_no_prose() -> None:
    text = dumps_lock(lock_of({"widgets": widgets_doc()}))
    for prose in (
        "Widget fixture API",
        "Lists every widget of the app",
        "Returns a page of widgets",
        "Identifier of the app",
        "Name shown to people",
        "Sidebar clock widget",
        "Example widget name",
        "Widget resource object",
        "The widget you asked for",
    ):
        assert prose not in text


def test_write_then_read_round_trips_with_stable_bytes(tmp_path: Path) -> None:
    lock = lock_of({"widgets": widgets_doc(), "gadgets": widgets_doc()})
    path = tmp_path / "spec" / "lock.json"
    write_lock(path, lock)
    first = path.read_bytes()
    assert first.endswith(b"}\n") and first.startswith(b'{\n  "format": 1,\n  "pipeline": ')
    assert list(json.loads(first)["docs"]) == ["gadgets", "widgets"]
    again = read_lock(path)
    assert again == lock
    assert again is not None
    write_lock(path, build_lock(again["docs"], PIPELINE))
    assert path.read_bytes() == first
    assert [p.name for p in path.parent.iterdir()] == ["lock.json"]  # no temp file left


def test_one_line_per_parameter_and_field(tmp_path: Path) -> None:
    text = dumps_lock(lock_of({"widgets": widgets_doc()}))
    assert '            "query page[limit]": {"python_name": "page_limit", "required": false, "type": "int"}' in text
    assert '"data.attributes.name": {"required": true, "type": "str"},' in text


def test_failed_write_leaves_the_old_lock(tmp_path: Path) -> None:
    path = tmp_path / "lock.json"
    write_lock(path, lock_of({"widgets": widgets_doc()}))
    before = path.read_bytes()
    broken = lock_of({"widgets": widgets_doc()})
    broken["docs"]["widgets"]["sha256"] = object()  # not JSON
    with pytest.raises(TypeError):
        write_lock(path, broken)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["lock.json"]


def test_read_missing_lock_is_none(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "nope.json") is None


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"docs": []}', "not a piwik-pro lock"),
        ("[]", "not a piwik-pro lock"),
    ],
)
def test_corrupt_lock_names_the_file_and_the_fix(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "lock.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LockError) as info:
        read_lock(path)
    assert str(path) in str(info.value) and says in str(info.value)
    assert "regenerate" in str(info.value).lower()


TRICKY_NAMES = [
    "appId",
    "app_id",
    "page[limit]",
    "filter[is_active]",
    "get-activations",
    "X-Request-ID",
    "class",
    "id",
    "type",
    "datetime",
    "self",
    "_private",
    "1st",
    "v1",
    "ApiAppsDetailsV2",
    "getHTTPResponse",
    "user.name",
    "ünïcode",
    "sort",
    "",
]


def assert_naming_matches_generator(names: list[str], paths: list[tuple[str, str]]) -> None:
    """python_identifier / operation_name agree with openapi-python-client's own functions."""
    strings = pytest.importorskip("openapi_python_client.strings")
    from openapi_python_client.parser.openapi import generate_operation_id
    from openapi_python_client.schema.untrusted_string import UntrustedString
    from piwik_pro_spec.lock import operation_name, operation_tag, python_identifier

    for name in names:
        assert python_identifier(name) == strings.PythonIdentifier(name, prefix="field_"), name
        assert python_identifier(name, skip_snake_case=True) == strings.PythonIdentifier(
            name, prefix="field_", skip_snake_case=True
        ), name
        if name:
            assert operation_tag({"tags": [name]}) == strings.PythonIdentifier(name, prefix="tag"), name
            theirs = strings.PythonIdentifier(strings.PythonIdentifier(name, prefix="field_"), prefix="field_")
            assert operation_name("get", "/x", {"operationId": name}) == theirs, name
    for method, path in paths:
        theirs = generate_operation_id(path=UntrustedString(path), method=method, prefix="field_")
        assert operation_name(method, path, {}) == strings.PythonIdentifier(theirs, prefix="field_"), path


def test_naming_matches_the_generator() -> None:
    doc = widgets_doc()
    paths = [(m, p) for p, item in doc["paths"].items() for m in item if m != "parameters"]
    paths += [("get", "/api/tag/v1/{appId}/tags/{tag_id}"), ("post", "/api/analytics/v1/real-time-query/")]
    assert_naming_matches_generator(TRICKY_NAMES, paths)


def test_lock_of_another_format_is_read_and_reported_once(tmp_path: Path) -> None:
    from piwik_pro_spec.changes import compare

    path = tmp_path / "lock.json"
    path.write_text('{"format": 0, "docs": {"widgets": {"operations": {}}}}', encoding="utf-8")
    report = compare(read_lock(path), lock_of({"widgets": widgets_doc()}))
    assert "lock-format-changed" in [c.kind for c in report.changes]
    assert not [c for c in report.changes if c.doc == "widgets"]  # inventories are not diffed
    assert not report.is_empty  # --check still says the lock must be rewritten


def test_python_types_of_schema_types() -> None:
    props = {
        "when": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "email": {"type": "string", "format": "email"},  # no Python type of its own
        "ratio": {"type": "number", "format": "float"},
        "tags": {"type": ["null", "array"], "items": {"type": "string", "enum": ["b", "a"]}},
        "anything": {},
        "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
    }
    doc = {
        "openapi": "3.1.0",
        "paths": {
            "/t": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "d",
                            "content": {"application/json": {"schema": {"type": "object", "properties": props}}},
                        }
                    }
                }
            }
        },
    }
    fields = doc_entry("t", "t.json", b"{}", doc)["operations"]["GET /t"]["responses"]["200"]["fields"]
    assert {k: v["type"] for k, v in fields.items()} == {
        "anything": "Any",
        "day": "date",
        "either": "int|str",
        "email": "str",
        "ratio": "float",
        "tags": "None|list[str]",
        "when": "datetime",
    }
    assert fields["tags"]["enum"] == ["a", "b"]


def test_reusable_entry_only_when_hash_pipeline_and_format_match() -> None:
    from piwik_pro_spec.lock import reusable_entry

    lock = lock_of({"widgets": widgets_doc()})
    sha = lock["docs"]["widgets"]["sha256"]
    assert reusable_entry(lock, "widgets", sha, PIPELINE) is lock["docs"]["widgets"]
    assert reusable_entry(lock, "widgets", "0" * 64, PIPELINE) is None  # doc changed
    assert reusable_entry(lock, "widgets", sha, {**PIPELINE, "fingerprint": "1" * 64}) is None  # pipeline changed
    assert reusable_entry({**lock, "format": 0}, "widgets", sha, PIPELINE) is None
    assert reusable_entry(lock, "gadgets", sha, PIPELINE) is None
    assert reusable_entry(None, "widgets", sha, PIPELINE) is None

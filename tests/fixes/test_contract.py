"""What every caller of `apply_fixes` relies on: pure, deterministic, reported, fast enough to not matter."""

from __future__ import annotations

import copy
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from piwik_pro_spec.fixes import RULES, AppliedFix, apply_fixes, patches

from ._support import fixture, fixture_names

# Which rules each fixture exists to exercise (the fix report must list them).
EXPECTED_RULES = {
    "allof_non_objects": {"allof-non-objects"},
    "content_keys": {"content-keys"},
    "examples_conform": {"examples-conform"},
    "invalid_types": {"invalid-types"},
    "union_member_types": {"union-member-types"},
    "jsonapi_bodies": {"jsonapi-request-bodies"},
    "jsonapi_media": {"jsonapi-media-type"},
    "jsonapi_responses": {"jsonapi-success-documents"},
    "merge_models": {"merge-models"},
    "model_names": {"model-names"},
    "multipart_files": {"multipart-files"},
    "ndjson_streams": {"ndjson-streams"},
    "operation_ids": {"operation-names"},
    "parameter_examples": {"parameter-examples"},
    "parameter_schemas": {"parameter-schemas"},
    "required_undeclared": {"required-undeclared"},
    "response_schema_refs": {"response-schema-refs"},
    "schema_examples": {"examples-conform"},
    "schema_shapes": {"array-items", "enum-values"},
    "swagger2": {"swagger2-to-openapi3"},
    "undeclared_path_params": {"undeclared-path-params"},
    "union_discriminators": {"union-discriminators"},
    "union_overlap": {"union-overlap"},
    "unions": {"single-member-unions", "nullable-unions", "union-order", "schema-order"},
}


def _real_docs() -> dict[str, dict[str, Any]]:
    from tests.conftest import SKIP_REASON, resolve_docs_source

    source = resolve_docs_source()
    if source is None:
        pytest.skip(SKIP_REASON)
    from piwik_pro_spec.docs import fetch_available

    raw, _ = fetch_available(source)  # docs this release lacks are skipped (reported once)
    return {pkg: json.loads(data) for pkg, data in raw.items()}


def test_every_fixture_has_its_rules() -> None:
    assert set(EXPECTED_RULES) == set(fixture_names())
    assert set().union(*EXPECTED_RULES.values()) <= {r.NAME for r in RULES}


@pytest.mark.parametrize("name", fixture_names())
def test_fix_report_lists_each_firing_rule(name: str) -> None:
    applied = apply_fixes("fixture", fixture(name)).applied
    assert EXPECTED_RULES[name] <= {a.rule for a in applied}
    for fix in applied:
        assert isinstance(fix, AppliedFix)
        assert fix.location == "" or fix.location.startswith("/"), fix
        assert fix.detail and "\n" not in fix.detail, fix


@pytest.mark.parametrize("name", fixture_names())
def test_deterministic_and_pure(name: str) -> None:
    doc = fixture(name)
    before = copy.deepcopy(doc)
    first = apply_fixes("fixture", doc)
    second = apply_fixes("fixture", doc)
    assert doc == before, "apply_fixes mutated its input"
    assert json.dumps(first.doc) == json.dumps(second.doc)  # same content and same key order
    assert first.applied == second.applied


def test_fixing_twice_changes_nothing_more() -> None:
    """The fixed doc has no defect left that a rule repairs (names and titles are stable)."""
    for name in fixture_names():
        once = apply_fixes("fixture", fixture(name)).doc
        again = apply_fixes("fixture", once)
        assert json.dumps(again.doc) == json.dumps(once), name


def test_doc_patches_set_and_delete_keys_and_report_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    module = SimpleNamespace(
        SCHEMA_PATCHES=[
            ("/components/schemas/Thing/properties/id", {"format": "uuid", "example": None}, "ids are UUIDs"),
            ("/components/schemas/Gone", {"type": "string"}, "a schema the doc no longer has"),
        ]
    )
    monkeypatch.setattr(patches, "_module", lambda package: module if package == "demo" else None)
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string", "example": "x"}}}}
        },
    }
    result = apply_fixes("demo", doc)
    assert result.doc["components"]["schemas"]["Thing"]["properties"]["id"] == {"type": "string", "format": "uuid"}
    reported = [(a.location, a.detail) for a in result.applied if a.rule == "doc-patches"]
    assert ("/components/schemas/Thing/properties/id", "ids are UUIDs") in reported
    assert any(detail.startswith("NOT APPLIED") for _, detail in reported)


def test_real_docs_fixed_deterministically_with_unique_readable_names() -> None:
    for package, doc in _real_docs().items():
        first = apply_fixes(package, doc)
        second = apply_fixes(package, doc)
        assert json.dumps(first.doc) == json.dumps(second.doc), package
        names = [
            op["operationId"]
            for item in first.doc["paths"].values()
            for method, op in item.items()
            if method in ("get", "put", "post", "delete", "patch")
        ]
        assert len(names) == len(set(names)), f"{package}: duplicate operation names"
        for name in names:
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name), (
                f"{package}: {name!r} is not a readable snake name"
            )
            assert "_api_" not in f"_{name}_" and not re.search(r"_v\d+$", name), f"{package}: {name!r}"

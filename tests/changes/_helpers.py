"""Build locks from the fixture doc (and variants of it) for the change-report tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from piwik_pro_spec.lock import build_lock, doc_entry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "changes"
PIPELINE = {"generator": "openapi-python-client 0.29.1", "fingerprint": "0" * 64}


def widgets_doc() -> dict[str, Any]:
    return json.loads((FIXTURES / "widgets.json").read_text(encoding="utf-8"))


def lock_of(docs: dict[str, dict[str, Any]], pipeline: dict[str, str] | None = None) -> dict[str, Any]:
    """A lock for {package: doc}, as regenerate builds it (raw = the doc's JSON bytes)."""
    entries = {
        package: doc_entry(package, f"{package}.json", json.dumps(doc, sort_keys=True).encode(), doc)
        for package, doc in docs.items()
    }
    return build_lock(entries, pipeline or PIPELINE)


def variant(edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """The fixture doc after `edit` (which mutates it in place)."""
    doc = copy.deepcopy(widgets_doc())
    edit(doc)
    return doc


def widget_schema(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]["WidgetAttributes"]


def op(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return doc["paths"][path][method]


LIST = "/api/widgets/v1/{appId}/widgets"
ONE = "/api/widgets/v1/{appId}/widgets/{widgetId}"
# The same paths as the lock keys them: placeholders by their Python names.
LIST_KEY = "/api/widgets/v1/{app_id}/widgets"
ONE_KEY = "/api/widgets/v1/{app_id}/widgets/{widget_id}"

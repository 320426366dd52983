"""spec/lock.json and the generated operation index name the same operations the same way.

The lock computes generated names itself (without importing the generator);
this holds it to what the generator actually wrote. Runs after
`nox -s regenerate` (as CI does); skips when either side is missing.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from piwik_pro_spec.lock import read_lock

from ..conftest import ROOT

LOCK = ROOT / "spec" / "lock.json"


def _index() -> list[dict[str, Any]]:
    if not (ROOT / "generated" / "piwik_pro_api" / "_index.py").exists():
        pytest.skip("generated/piwik_pro_api is missing: run `nox -s regenerate` first")
    try:
        return list(importlib.import_module("piwik_pro_api._index").OPERATIONS)
    except ImportError as exc:  # pragma: no cover - a broken build is another test's failure
        pytest.skip(f"piwik_pro_api._index does not import: {exc}")


def test_lock_and_index_agree_on_names_and_keywords() -> None:
    operations = _index()
    lock = read_lock(LOCK)
    if lock is None:
        pytest.skip(f"{LOCK} is missing: run `nox -s regenerate` first")
    from_lock = {
        (package, key.split(" ", 1)[0], op["name"]): sorted(p["python_name"] for p in op["parameters"].values())
        for package, entry in lock["docs"].items()
        for key, op in entry["operations"].items()
    }
    from_index = {
        (op["doc"], op["method"], op["name"]): sorted(str(p["python_name"]) for p in op["parameters"])
        for op in operations
    }
    built = {op["doc"] for op in operations}
    from_lock = {k: v for k, v in from_lock.items() if k[0] in built}  # `--only` builds may hold fewer docs
    assert sorted(set(from_lock) - set(from_index)) == [], "in the lock, not generated"
    assert sorted(set(from_index) - set(from_lock)) == [], "generated, not in the lock"
    assert {k: v for k, v in from_lock.items() if from_index[k] != v} == {}

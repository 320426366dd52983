"""The pipeline on the real exported docs (PIWIK_PRO_DOCS_SOURCE; skipped when unset).

One regenerate of every doc into a temp dir per session; the tests read it.
The coverage test passes only when every doc generates with nothing dropped.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._support import python_ok, run_cli, tree_digest

pytestmark = pytest.mark.timeout(900)

SYNC_FORMS = {"sync", "sync_detailed", "asyncio", "asyncio_detailed"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class RealRun:
    source: str
    output: Path
    proc: subprocess.CompletedProcess[str]

    @property
    def package(self) -> Path:
        return self.output / "piwik_pro_api"


@pytest.fixture(scope="session")
def real_run(docs_source: str, tmp_path_factory: pytest.TempPathFactory) -> RealRun:
    # --allow-incomplete so the other tests still have output to read while a
    # doc is incomplete; the coverage test asserts nothing was dropped.
    tmp = tmp_path_factory.mktemp("real")
    proc = run_cli(
        *("--source", docs_source, "--output", str(tmp / "generated"), "--lock", str(tmp / "lock.json")),
        *("--reports", str(tmp / "reports"), "--allow-incomplete"),
        seed="1",
    )
    if not (tmp / "generated" / "piwik_pro_api" / "_index.py").exists():
        pytest.fail(f"regenerate produced no output:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return RealRun(docs_source, tmp / "generated", proc)


def _index(run: RealRun) -> tuple[dict[str, dict[str, str]], list[dict[str, object]]]:
    out = python_ok(
        "import json; from piwik_pro_api._index import DOCS, OPERATIONS; print(json.dumps([DOCS, OPERATIONS]))",
        run.output,
    )
    docs, ops = json.loads(out)
    return docs, ops


def _doc_operation_counts(source: str) -> dict[str, int]:
    from piwik_pro_spec.docs import fetch_available

    raw, _ = fetch_available(source)  # docs this release lacks are skipped (reported once)
    counts = {}
    for package, data in raw.items():
        doc = json.loads(data or b"{}")
        counts[package] = sum(
            1 for item in doc.get("paths", {}).values() if isinstance(item, dict) for m in METHODS if m in item
        )
    return counts


def test_coverage_every_doc_and_operation_with_nothing_dropped(real_run: RealRun):
    out = real_run.proc.stdout
    assert "NOT generated or incomplete" not in out, out[out.find("!!!") :][:6000]
    from piwik_pro_spec.docs import fetch_available

    # A release without some listed docs, into a fresh output: nothing to keep, so regenerate names
    # them, generates the rest and succeeds.
    missing = [d.package for d in fetch_available(real_run.source)[1]]
    assert real_run.proc.returncode == 0, out[-4000:] + real_run.proc.stderr[-2000:]
    assert all(p in out.split("are not in this source", 1)[-1] for p in missing), out[-2000:]
    assert "warning" not in out.split("Generating", 1)[1].lower()
    docs, ops = _index(real_run)
    expected = _doc_operation_counts(real_run.source)
    from piwik_pro_spec.sources import load_sources

    assert sorted(docs) == sorted(expected)
    assert len(docs) == len(load_sources()) - len(missing)  # 28 for 2025-01
    per_doc = {d: sum(1 for op in ops if op["doc"] == d) for d in docs}
    assert per_doc == expected
    assert len(ops) == sum(expected.values()) > 0  # 178 for 2025-01
    for op in ops:
        module = str(op["module"])
        path = real_run.output / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        assert defined >= SYNC_FORMS, (module, SYNC_FORMS - defined)


def test_real_docs_regenerate_byte_identically(docs_source: str, tmp_path: Path):
    """Two runs (other interpreters, other hash seeds, --only) give the same files, lock and index."""
    only = ["users", "analytics_management", "tag_manager_versions", "cdp_activations"]
    outputs = []
    for seed in ("987", "31337"):
        out = tmp_path / seed
        proc = run_cli(
            *("--source", docs_source, "--output", str(out / "g"), "--lock", str(out / "l.json")),
            *("--reports", str(out / "r"), "--allow-incomplete", "--only", *only),
            seed=seed,
        )
        assert (out / "g" / "piwik_pro_api" / "_index.py").exists(), proc.stdout[-3000:]
        outputs.append(out)
    first, second = (tree_digest(o / "g" / "piwik_pro_api") for o in outputs)
    assert first == second
    assert {p.split("/", 1)[0] for p in first if "/" in p} == set(only)
    assert (outputs[0] / "l.json").read_bytes() == (outputs[1] / "l.json").read_bytes()


def test_tags_api_import_and_one_request_load_a_handful_of_models(real_run: RealRun):
    code = r"""
import importlib, json, sys
import piwik_pro_api.tag_manager_tags
from piwik_pro_api._index import OPERATIONS
op = next(o for o in OPERATIONS if o["doc"] == "tag_manager_tags" and o["method"] == "GET" and o["path"].endswith("/tags"))
module = importlib.import_module(op["module"])
args = [ "00000000-0000-0000-0000-000000000001" for p in op["parameters"] if p["in"] == "path"]
kwargs = module._get_kwargs(*args)
loaded = [m for m in sys.modules if m.startswith("piwik_pro_api.tag_manager_tags.models.")]
print(json.dumps({"loaded": len(loaded), "url": kwargs["url"], "attrs": "attrs" in sys.modules}))
"""
    result = json.loads(python_ok(code, real_run.output))
    total = len(list((real_run.package / "tag_manager_tags" / "models").glob("*.py")))
    assert total > 200  # the stock models/__init__ would import all of these
    assert result["loaded"] <= 8, result
    assert not result["attrs"], "building a request imported attrs (half the cold import); types.File is plain"
    assert result["url"].startswith("/api/tag/v1/00000000-0000-0000-0000-000000000001/tags")


def test_no_model_attribute_dict_field_or_to_dict_is_typed_any(real_run: RealRun):
    # What users read and write through models is typed; an untyped schema is JSONValue (any JSON), not Any.
    field = re.compile(r"^    (\w+): (.*)$")
    typed_dict_field = re.compile(r'^\s+"[^"]+": "(.*)",$')
    found: list[str] = []
    for path in sorted(real_run.package.glob("*/models/*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = field.match(line) or typed_dict_field.match(line)
            annotation = match.groups()[-1] if match else ""
            if re.search(r"\bAny\b", annotation) or re.search(r"def to_dict\(self\) -> .*\bAny\b", line):
                found.append(f"{path.relative_to(real_run.package)}:{number}: {line.strip()}")
            if re.search(r"(Dict: TypeAlias|def __getitem__).*\bAny\b", line):
                found.append(f"{path.relative_to(real_run.package)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found[:20])


def test_one_model_does_not_import_all_models_of_its_doc(real_run: RealRun):
    code = r"""
import json, sys
from piwik_pro_api._index import OPERATIONS
op = next(o for o in OPERATIONS if o["doc"] == "tag_manager_tags" and o["body"] and o["body"]["model"])
import importlib
getattr(importlib.import_module("piwik_pro_api.tag_manager_tags.models"), op["body"]["model"])
print(len([m for m in sys.modules if m.startswith("piwik_pro_api.tag_manager_tags.models.")]))
"""
    loaded = int(python_ok(code, real_run.output))
    total = len(list((real_run.package / "tag_manager_tags" / "models").glob("*.py")))
    assert loaded < total // 10, (loaded, total)


@pytest.mark.parametrize("package", ["users", "tag_manager_triggers"])
def test_fast_endpoint_copy_gives_the_stock_output(docs_source: str, tmp_path: Path, package: str):
    """generate.py replaces the parser's deepcopy(endpoint); the rendered package must not change."""
    from piwik_pro_spec.download import fetch_docs
    from piwik_pro_spec.fixes import apply_fixes
    from piwik_pro_spec.sources import load_sources

    src = next(s for s in load_sources() if s.package == package)
    raw = fetch_docs([src], docs_source, missing_ok=True)[package]
    if raw is None:
        pytest.skip(f"{package}: {src.file} is not in this docs release")
    payload = json.dumps(apply_fixes(package, json.loads(raw)).doc).encode()
    code = f"""
import sys
from pathlib import Path
from piwik_pro_spec import generate
payload = Path(sys.argv[1]).read_bytes()
for fast in (True, False):
    r = generate.generate_doc({package!r}, {package!r}, payload, Path(sys.argv[2]) / str(fast), fast=fast)
    print(len(r.operations), len(r.problems), r.fatal)
"""
    (tmp_path / "doc.json").write_bytes(payload)
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "doc.json"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    fast_line, stock_line = proc.stdout.splitlines()
    assert fast_line == stock_line
    fast = tree_digest(tmp_path / "True" / "piwik_pro_api" / package)
    assert fast and fast == tree_digest(tmp_path / "False" / "piwik_pro_api" / package)

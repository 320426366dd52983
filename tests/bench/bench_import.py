"""Cold import of the Tag Manager tags API plus building one request, ours against stock.

Both packages are built here, in this run, from the same tags doc:
- ours: `python -m piwik_pro_spec.regenerate --only tag_manager_tags` into a temp dir;
- stock: `openapi-python-client generate --meta none` on the raw doc (its models/__init__
  imports every model).
Each measurement is a fresh interpreter that imports the "list tags" endpoint module and
calls its `_get_kwargs` (bytecode caches warm, as after an install). Median of several
runs, interleaved; the ratio is stock/ours.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

from tests.bench._stock import NO_DOCS, docs_folder, ours, remove, stock_generate, temp_dir

RUNS = 7
APP_ID = "00000000-0000-0000-0000-000000000001"
TAGS_FILE = "tag_manager_authorized_api_tags.json"

_PROBE = """
import importlib, sys, time
start = time.perf_counter()
module = importlib.import_module(sys.argv[1])
module._get_kwargs(sys.argv[2])
elapsed = time.perf_counter() - start
print(elapsed, len([m for m in sys.modules if ".models." in m]))
"""


def _probe(path: Path, module: str) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(path))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # warm bytecode caches, as after an install
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, module, APP_ID], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module}: {proc.stderr[-1500:]}")
    seconds, models = proc.stdout.split()
    return float(seconds), int(models)


def _ours_module(output: Path) -> str:
    index = (output / "piwik_pro_api" / "_index.py").read_text(encoding="utf-8")
    ns: dict[str, object] = {}
    exec(compile(index, "_index.py", "exec"), ns)
    ops = ns["OPERATIONS"]
    assert isinstance(ops, list)
    op = next(o for o in ops if o["doc"] == "tag_manager_tags" and o["method"] == "GET" and o["path"].endswith("/tags"))
    return str(op["module"])


def _stock_module(package_dir: Path, package: str) -> str:
    # The module whose request is GET .../{app_id}/tags (stock names it from the doc's operationId).
    pattern = re.compile(r'"method": "get",\s*"url": "/api/tag/v1/\{app_id\}/tags"')
    for path in sorted((package_dir / "api").rglob("*.py")):
        if pattern.search(path.read_text(encoding="utf-8")):
            rel = path.relative_to(package_dir).with_suffix("")
            return ".".join([package, *rel.parts])
    raise RuntimeError("stock package has no GET /api/tag/v1/{app_id}/tags module")


def main() -> int | None:
    tmp = temp_dir("import")
    try:
        docs = docs_folder(tmp)
        if docs is None or not (docs / TAGS_FILE).exists():
            print(NO_DOCS)
            return None
        args = ["--source", str(docs), "--output", str(tmp / "ours"), "--lock", str(tmp / "lock.json")]
        _, code, out = ours(*args, "--reports", str(tmp / "reports"), "--only", "tag_manager_tags")
        if not (tmp / "ours" / "piwik_pro_api" / "_index.py").exists():
            print(f"our regenerate failed (exit {code}):\n{out[-2000:]}")
            return 1
        stock_pkg = "stock_tags"
        _, ok = stock_generate(docs / TAGS_FILE, tmp / "stock" / stock_pkg)
        if not ok:
            print("stock generation of the tags doc failed")
            return 1
        ours_mod = _ours_module(tmp / "ours")
        stock_mod = _stock_module(tmp / "stock" / stock_pkg, stock_pkg)

        # Warm the bytecode caches once, then interleave.
        _probe(tmp / "ours", ours_mod)
        _probe(tmp / "stock", stock_mod)
        ours_t, stock_t = [], []
        ours_models = stock_models = 0
        for _ in range(RUNS):
            seconds, ours_models = _probe(tmp / "ours", ours_mod)
            ours_t.append(seconds)
            seconds, stock_models = _probe(tmp / "stock", stock_mod)
            stock_t.append(seconds)
        o, s = statistics.median(ours_t), statistics.median(stock_t)
        print(f"import the tags 'list' endpoint module + _get_kwargs(), fresh interpreter, median of {RUNS}")
        print(f"{'':<8} {'seconds':>9} {'model modules loaded':>22}")
        print(f"{'ours':<8} {o:9.3f} {ours_models:>22}")
        print(f"{'stock':<8} {s:9.3f} {stock_models:>22}")
        print(
            f"stock/ours: {s / o:.1f}x   (target: ours no worse than 0.050 s with 3 model modules, the figure before the typed resources)"
        )
        print(json.dumps({"ours_module": ours_mod, "stock_module": stock_mod}))
        return None
    finally:
        remove(tmp)


if __name__ == "__main__":
    raise SystemExit(main())

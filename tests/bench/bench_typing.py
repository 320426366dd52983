"""mypy time on the typing test's user code with the package installed, beside the same script on raw httpx.

The wheel is built and installed with mypy 2.4.1 in a fresh venv outside the checkout (tests/typing/_harness.py);
each checker run is a fresh process in a work folder holding copies of the scripts:

- cold: an empty cache (what a first run, or CI without a cache, pays);
- warm: the same command again over the cache the cold run left (what an editor or a second run pays).

Ours is tests/typing/user_code.py (`mypy --strict --disallow-any-expr`: walkthrough, list, paginate,
detailed, a typed error, async, Tag Manager, analytics); the baseline is tests/typing/user_code_httpx.py, the same
calls on raw httpx (same flags; its Any errors are expected and ignored, only the time counts).
Wall and CPU seconds (of the mypy process) are shown: the machine is shared, CPU is the steadier figure.
Targets: cold <= 30 s, warm <= 2 s.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import time

from tests.typing import _harness

WARM_RUNS = 3
BASELINE = "user_code_httpx.py"
PROBE_RUNS = 7
APP_ID = "00000000-0000-4000-8000-000000000001"

# The tags "list" call up to the request it would send, in a fresh interpreter from the installed wheel:
# the endpoint module alone (what tests/bench/bench_import.py measures, the baseline), with a PiwikPro
# client made first (the generated function called with client=pp), and through the typed resource
# (pp.tag_manager.tags.list_tags): the last two differ by what the resources cost.
_PROBE = """
import importlib, sys, time
start = time.perf_counter()
if sys.argv[1] != "endpoint":
    from piwik_pro import PiwikPro
    pp = PiwikPro("acme.piwik.pro", token="t")
if sys.argv[1] == "typed":
    op = pp.tag_manager.tags.list_tags
module = importlib.import_module(sys.argv[3])
module._get_kwargs(sys.argv[2])
elapsed = time.perf_counter() - start
print(elapsed, len([m for m in sys.modules if ".models." in m]))
"""


def _timed(env: _harness.Env, script: str, cache: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [str(env.bin("mypy")), *_harness.MYPY_ARGS, "--cache-dir", cache, script],
        cwd=env.work,
        capture_output=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _measure(env: _harness.Env, script: str) -> tuple[tuple[float, float], tuple[float, float]]:
    cache = f".cache-{script}"
    shutil.rmtree(env.work / cache, ignore_errors=True)
    cold = _timed(env, script, cache)
    warm = [_timed(env, script, cache) for _ in range(WARM_RUNS)]
    return cold, (statistics.median(w for w, _ in warm), statistics.median(c for _, c in warm))


_FIND_MODULE = """
from piwik_pro_api._index import OPERATIONS
print(next(o["module"] for o in OPERATIONS if o["doc"] == "tag_manager_tags" and o["name"] == "list_tags"))
"""


def _first_call(env: _harness.Env) -> None:
    module = subprocess.run(
        [str(env.python), "-c", _FIND_MODULE], capture_output=True, text=True, check=True
    ).stdout.strip()
    runs: dict[str, list[float]] = {"endpoint": [], "client": [], "typed": []}
    models: dict[str, int] = {}
    for _ in range(PROBE_RUNS + 1):  # the first round warms the bytecode caches
        for kind in runs:
            proc = subprocess.run(
                [str(env.python), "-c", _PROBE, kind, APP_ID, module], capture_output=True, text=True, check=True
            )
            seconds, count = proc.stdout.split()
            runs[kind].append(float(seconds))
            models[kind] = int(count)
    print(f"\nthe tags 'list' call up to its request, fresh interpreter, installed wheel, median of {PROBE_RUNS}")
    labels = {
        "endpoint": "endpoint module (baseline)",
        "client": "PiwikPro + endpoint module",
        "typed": "PiwikPro + pp.tag_manager.tags.list_tags",
    }
    for kind, label in labels.items():
        median = statistics.median(runs[kind][1:])
        print(f"{label:<42} {median:7.3f} s  {models[kind]:>3} model modules")


def main() -> int | None:
    try:
        env = _harness.make_env()
    except RuntimeError as exc:
        print(f"skipped: {exc}")
        return None
    try:
        shutil.copy(_harness.HERE / BASELINE, env.work / BASELINE)
        _measure(env, BASELINE)  # warm the interpreter's bytecode and the OS file cache once
        rows = [
            ("raw httpx (baseline)", _measure(env, BASELINE)),
            ("piwik-pro typed", _measure(env, _harness.USER_CODE)),
        ]
        print(f"mypy {_harness.MYPY.split('==')[1]} {' '.join(_harness.MYPY_ARGS)}; warm = median of {WARM_RUNS}")
        print(f"{'':<22} {'cold wall':>10} {'cold CPU':>9} {'warm wall':>10} {'warm CPU':>9}")
        for label, ((cw, cc), (ww, wc)) in rows:
            print(f"{label:<22} {cw:9.2f}s {cc:8.2f}s {ww:9.2f}s {wc:8.2f}s")
        (base_cold, _), _ = rows[0][1]
        (ours_cold, ours_cold_cpu), (_, ours_warm_cpu) = rows[1][1]
        print(f"ours/baseline cold wall: {ours_cold / base_cold:.1f}x   (targets: cold <= 30 s, warm <= 2 s)")
        met = ours_cold_cpu <= 30 and ours_warm_cpu <= 2
        print(
            f"targets on CPU time: {'met' if met else 'NOT met'} (cold {ours_cold_cpu:.1f} s, warm {ours_warm_cpu:.2f} s)"
        )
        _first_call(env)
        return None
    finally:
        _harness.remove(env)


if __name__ == "__main__":
    raise SystemExit(main())

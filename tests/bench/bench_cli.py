"""`piwik-pro` start-up cost, beside baselines measured in the same run.

Each row is the median CPU time (user + sys) of N runs of a fresh process, and
its ratio to a bare `python -c pass`. CPU time rather than wall time: on a busy
machine the wall clock mostly measures the scheduler.

    python -m tests.bench cli
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

RUNS = 9


def _cpu(cmd: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(times)


def main() -> int:
    script = shutil.which("piwik-pro", path=str(Path(sys.executable).parent))
    if script is None:
        print("piwik-pro is not installed next to this interpreter; `pip install -e .` first")
        return 1
    env = dict(os.environ)
    py = sys.executable
    rows = [
        ("python -c pass (baseline)", [py, "-c", "pass"]),
        ("python -c 'import argparse'", [py, "-c", "import argparse"]),
        ("python -c 'import httpx'", [py, "-c", "import httpx"]),
        ("python -c 'import piwik_pro'", [py, "-c", "import piwik_pro"]),
        ("piwik-pro --help", [script, "--help"]),
        ("piwik-pro ops --search invite", [script, "ops", "--search", "invite"]),
    ]
    base = None
    print(f"{'command':<34} {'CPU ms':>8} {'x baseline':>11}")
    for label, cmd in rows:
        cpu = _cpu(cmd, env)
        base = base or cpu
        print(f"{label:<34} {cpu * 1000:8.0f} {cpu / base:10.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

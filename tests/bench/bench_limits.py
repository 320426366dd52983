"""Cost of the per-attempt deadline and the response size cap (the transport reads every body itself).

Both clients fetch the same bodies from one loopback server (tests.servers.MisbehavingServer, in a
child process so its thread does not fight the clients for the GIL):

- raw httpx: httpx.Client with a fixed Authorization header (the baseline, measured in the same run);
- PiwikPro.request: the token flow, retries, deadline, size cap (64 MiB default) and typed errors.

Figures: median time per call for a small JSON body and for an 8 MiB body, as a ratio to raw httpx,
and the peak Python memory (tracemalloc) while reading the 8 MiB body, beside raw httpx's.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 9
SMALL_CALLS = 100
BIG_CALLS = 4
BIG = 8 * 2**20

_SERVER = """
import sys, time
from tests.servers import MisbehavingServer, big_body, reply, token_reply
srv = MisbehavingServer().start()
srv.route("POST", "/auth/token", token_reply())
srv.route("GET", "/small", reply(200, json={"data": [{"id": str(i), "type": "ppms/user"} for i in range(20)]}))
srv.route("GET", "/big", big_body(%d))
print(srv.url, flush=True)
sys.stdin.read()
srv.stop()
"""


def _median_per_call(fn: Callable[[], object], calls: int) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    from piwik_pro import PiwikPro

    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER % BIG], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        raw = httpx.Client(base_url=url, headers={"Authorization": "Bearer tok"}, timeout=60)
        pp = PiwikPro(url, "bench-client-id", "bench-client-secret")
        clients: dict[str, Callable[[str], httpx.Response]] = {
            "raw httpx": lambda path: raw.get(path),
            "PiwikPro.request": lambda path: pp.request("GET", path),
        }
        for call in clients.values():  # warm up: connections, token, imports
            call("/small")
            call("/big")
        rows = []
        for name, call in clients.items():
            small = _median_per_call(lambda c=call: c("/small"), SMALL_CALLS)  # type: ignore[misc]
            big = _median_per_call(lambda c=call: c("/big"), BIG_CALLS)  # type: ignore[misc]
            peak = _peak(lambda c=call: c("/big"))  # type: ignore[misc]
            rows.append((name, small, big, peak))
        base = rows[0]
        print(f"{'client':<18} {'small body':>14} {'ratio':>6} {'8 MiB body':>13} {'ratio':>6} {'peak MiB':>9}")
        for name, small, big, peak in rows:
            print(
                f"{name:<18} {small * 1e6:>11.0f} µs {small / base[1]:>6.2f} {big * 1e3:>10.1f} ms "
                f"{big / base[2]:>6.2f} {peak / 2**20:>9.1f}"
            )
        raw.close()
        pp.close()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

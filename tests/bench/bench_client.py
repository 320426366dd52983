"""Per-call overhead of PiwikPro against raw httpx, and token requests per 1,000 calls.

All clients call `GET /api/users/v2` on the same loopback sandbox (started here, in its own process):

- raw httpx: one httpx.Client with a fixed `Authorization: Bearer` header (the baseline);
- PiwikPro.request: token flow, retry transport, media types, typed errors;
- PiwikPro typed: the generated list function through `pp.<api>.<operation>()` (adds model parsing);
- piwik-pro-mcp: the official MCP server's `PiwikProClient` from PyPI (needs Python >= 3.12; it is
  installed into .cache/bench-mcp-venv and run in a subprocess; if that is impossible, the reason
  is printed instead).

Timing: interleaved rounds, median per-call time; ratios are against raw httpx measured in the
same run. Tokens: 1,000 calls per client with the token expiring (sandbox clock +1800 s) after
call 500; the table shows token requests and calls that failed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PATH = "/api/users/v2"
ROUNDS = 12
CALLS_PER_ROUND = 100
TOKEN_CALLS = 1000
MCP_PACKAGE = "piwik-pro-mcp==0.10.0"
MCP_VENV = ROOT / ".cache" / "bench-mcp-venv"


def _docs_source() -> str | None:
    source = os.environ.get("PIWIK_PRO_DOCS_SOURCE")
    if source:
        path = Path(source)
        return str(path if path.is_absolute() or source.startswith("http") else ROOT / path)
    default = ROOT.parent / "shared" / "piwik-pro-api-docs" / "2025-01"
    return str(default) if default.is_dir() else None


class _SandboxProcess:
    """The sandbox in its own process (`python -m piwik_pro.sandbox --admin`): in-process, its
    thread would fight the clients for the GIL and the figures would measure that instead."""

    def __init__(self, source: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "piwik_pro.sandbox", "--admin", "--quiet", "--docs", source],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = ""
        for line in self.proc.stdout:  # the banner names the URL once the server listens
            if line.strip().startswith("URL"):
                self.url = line.split()[-1]
                break
        if not self.url:
            self.proc.kill()
            raise RuntimeError("the sandbox did not start (see `python -m piwik_pro.sandbox --admin`)")
        self._admin = httpx.Client(base_url=self.url + "/__sandbox__")

    @property
    def tokens_issued(self) -> int:
        return int(self._admin.get("/state").json()["tokens_issued"])

    def advance(self, seconds: float) -> None:
        self._admin.post("/clock", json={"advance": seconds}).raise_for_status()

    def close(self) -> None:
        self._admin.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _time_rounds(clients: dict[str, Callable[[], Any]]) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per call, and the median of per-round ratios against the first client.

    Rounds are interleaved (and their order alternates) so machine load hits every client alike;
    a ratio is taken within one round, between runs seconds apart.
    """
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for call in clients.values():  # warm up: connections, token, imports
        for _ in range(20):
            call()
    names = list(clients)
    for round_no in range(ROUNDS):
        for name in names if round_no % 2 == 0 else reversed(names):
            call = clients[name]
            start = time.perf_counter()
            for _ in range(CALLS_PER_ROUND):
                call()
            samples[name].append((time.perf_counter() - start) / CALLS_PER_ROUND)
    base = samples[names[0]]
    ratios = {
        name: statistics.median(v / b for v, b in zip(values, base, strict=True)) for name, values in samples.items()
    }
    return {name: statistics.median(values) for name, values in samples.items()}, ratios


def _token_run(sandbox: Any, call: Callable[[], Any]) -> tuple[int, int]:
    """(token requests, failed calls) for TOKEN_CALLS calls with one token expiry halfway."""
    before = sandbox.tokens_issued
    failed = 0
    for i in range(TOKEN_CALLS):
        if i == TOKEN_CALLS // 2:
            sandbox.advance(1800)
        try:
            call()
        except Exception:
            failed += 1
    return sandbox.tokens_issued - before, failed


# -- piwik-pro-mcp, in a Python >= 3.12 subprocess ------------------------------------------------

_MCP_SCRIPT = textwrap.dedent(
    """
    import json, statistics, sys, time, urllib.request
    import piwik_pro_mcp.common  # noqa: F401  (import order: the package has a cycle otherwise)
    from piwik_pro_mcp.api import PiwikProClient

    url, client_id, secret, rounds, per_round, token_calls, PATH = sys.argv[1:8]
    rounds, per_round, token_calls = int(rounds), int(per_round), int(token_calls)

    def admin(path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url + "/__sandbox__" + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(req))

    client = PiwikProClient(host=url, client_id=client_id, client_secret=secret)
    for _ in range(20):
        client.get(PATH)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            client.get(PATH)
        samples.append((time.perf_counter() - start) / per_round)

    fresh = PiwikProClient(host=url, client_id=client_id, client_secret=secret)
    before = admin("/state")["tokens_issued"]
    failed = 0
    for i in range(token_calls):
        if i == token_calls // 2:
            admin("/clock", {"advance": 1800})
        try:
            fresh.get(PATH)
        except Exception:
            failed += 1
    tokens = admin("/state")["tokens_issued"] - before
    print(json.dumps({"per_call": statistics.median(samples), "tokens": tokens, "failed": failed}))
    """
)


def _python312() -> str | None:
    """A working Python >= 3.12 (PATH shims such as pyenv's may exist and still refuse to run)."""
    candidates = [os.environ.get("PIWIK_PRO_BENCH_PYTHON312"), shutil.which("python3.13"), shutil.which("python3.12")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"], capture_output=True, timeout=30
            )
        except OSError:
            continue
        if probe.returncode == 0:
            return candidate
    return None


def _mcp_python() -> tuple[Path | None, str]:
    """The venv python with piwik-pro-mcp installed, or None and why not."""
    venv_python = MCP_VENV / "bin" / "python"
    if venv_python.exists():
        probe = subprocess.run([str(venv_python), "-c", "import piwik_pro_mcp"], capture_output=True, timeout=60)
        if probe.returncode == 0:
            return venv_python, ""
    base = _python312()
    if not base:
        return None, "piwik-pro-mcp needs Python >= 3.12 and none was found (set PIWIK_PRO_BENCH_PYTHON312)"
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(MCP_VENV)], check=True, capture_output=True, timeout=120)
        subprocess.run(
            [str(venv_python), "-m", "pip", "install", "-q", MCP_PACKAGE],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        last = detail.decode("utf-8", "replace").strip().splitlines()[-1:] if detail else []
        return None, f"could not install {MCP_PACKAGE}: {type(exc).__name__} {' '.join(last)}".strip()
    return venv_python, ""


def _run_mcp(sandbox: Any, client_id: str, secret: str) -> tuple[dict[str, Any] | None, str]:
    python, why = _mcp_python()
    if python is None:
        return None, why
    env = {**os.environ, "PIWIK_PRO_ALLOW_INSECURE_HOST": "1", "PIWIK_PRO_TELEMETRY": "0"}
    args = [sandbox.url, client_id, secret, str(ROUNDS), str(CALLS_PER_ROUND), str(TOKEN_CALLS), PATH]
    run = subprocess.run(
        [str(python), "-c", _MCP_SCRIPT, *args], capture_output=True, text=True, timeout=900, env=env, cwd="/"
    )
    if run.returncode != 0:
        tail = run.stderr.strip().splitlines()[-1:] or ["no output"]
        return None, f"piwik-pro-mcp run failed: {tail[0]}"
    return json.loads(run.stdout.strip().splitlines()[-1]), ""


# -- main -----------------------------------------------------------------------------------------


def main() -> int:
    source = _docs_source()
    if source is None:
        print("skipped: set PIWIK_PRO_DOCS_SOURCE to the exported docs (the sandbox serves them)")
        return 0
    from piwik_pro import PiwikPro
    from piwik_pro._operations import match_path
    from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    info = match_path("GET", PATH)
    sandbox = _SandboxProcess(source)
    try:
        pp = PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        token = pp.fetch_token().access_token
        raw = httpx.Client(base_url=sandbox.url, headers={"Authorization": f"Bearer {token}"})
        typed: Any = pp
        if info is not None:
            for part in (*info.accessor.split("."), info.name):
                typed = getattr(typed, part)

        clients: dict[str, Callable[[], Any]] = {
            "raw httpx (fixed Bearer)": lambda: raw.get(PATH).json(),
            "PiwikPro.request": lambda: pp.request("GET", PATH).json(),
        }
        if info is not None:
            clients["PiwikPro typed (generated)"] = lambda: typed()
        timings, ratios = _time_rounds(clients)

        tokens: dict[str, tuple[int, int]] = {}

        def raw_call() -> None:
            raw.get(PATH).raise_for_status()

        tokens["raw httpx (fixed Bearer)"] = _token_run(sandbox, raw_call)
        fresh = PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        tokens["PiwikPro.request"] = _token_run(sandbox, lambda: fresh.request("GET", PATH))
        if info is not None:
            fresh_typed = PiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            op: Any = fresh_typed
            for part in (*info.accessor.split("."), info.name):
                op = getattr(op, part)
            tokens["PiwikPro typed (generated)"] = _token_run(sandbox, lambda: op())
        raw.close()
        pp.close()

        mcp, why = _run_mcp(sandbox, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        if mcp is not None:
            timings["piwik-pro-mcp PiwikProClient"] = mcp["per_call"]
            ratios["piwik-pro-mcp PiwikProClient"] = mcp["per_call"] / timings["raw httpx (fixed Bearer)"]
            tokens["piwik-pro-mcp PiwikProClient"] = (mcp["tokens"], mcp["failed"])
    finally:
        sandbox.close()

    base = timings["raw httpx (fixed Bearer)"]
    print(f"GET {PATH} on the loopback sandbox; {ROUNDS} interleaved rounds x {CALLS_PER_ROUND} calls, medians")
    print(f"tokens/failed: {TOKEN_CALLS} calls with the token expiring after call {TOKEN_CALLS // 2}")
    print("(raw httpx: its one token was fetched by hand beforehand and is never renewed)")
    header = f"{'client':32} {'us/call':>9} {'vs raw':>7} {'overhead us':>12} {'tokens':>7} {'failed':>7}"
    print(header)
    print("-" * len(header))
    for name, per_call in timings.items():
        tok, failed = tokens.get(name, (0, 0))
        print(
            f"{name:32} {per_call * 1e6:9.0f} {ratios[name]:6.3f}x {(per_call - base) * 1e6:12.0f} {tok:7d} {failed:7d}"
        )
    if mcp is None:
        print(f"piwik-pro-mcp: not measured: {why}")
    ratio = ratios["PiwikPro.request"]
    verdict = "meets" if ratio <= 1.10 else "MISSES"
    print(f"PiwikPro.request {verdict} the <= 1.10x target ({ratio:.3f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate time: our pipeline against stock openapi-python-client, measured in the same run.

- ours, cold: `python -m piwik_pro_spec.regenerate` into an empty temp output (all docs: fetch,
  spec fixes, lock + change report, parallel generation, one ruff pass, atomic swap);
- ours, no-op: the same command again (nothing changed: hash compare, nothing generated);
- stock: `openapi-python-client generate --meta none` on each raw doc in turn, with its default
  ruff post hooks, as a new user would run it. It fails on some docs (Swagger 2.0, invalid
  types); those are timed as they are, and the table says how many failed. Stock has no
  no-op mode: a rerun regenerates everything, so its no-op figure is its full run.
"""

from __future__ import annotations

import os

from tests.bench._stock import NO_DOCS, children_cpu, docs_folder, ours, remove, stock_generate, temp_dir


def main() -> int | None:
    tmp = temp_dir("regenerate")
    try:
        docs = docs_folder(tmp)
        if docs is None:
            print(NO_DOCS)
            return None
        files = sorted(docs.glob("*.json"))
        files = [f for f in files if f.name != "index.json"]
        args = ["--source", str(docs), "--output", str(tmp / "ours"), "--lock", str(tmp / "lock.json")]
        args += ["--reports", str(tmp / "reports")]

        cpu0 = children_cpu()
        cold, code, out = ours(*args)
        cold_cpu = children_cpu() - cpu0
        if code != 0:
            print(f"note: our regenerate exited {code}:\n{out[-2000:]}")
        cpu0 = children_cpu()
        noop, noop_code, noop_out = ours(*args)
        noop_cpu = children_cpu() - cpu0
        if "Up to date" not in noop_out:
            # e.g. someone edited spec fixes between the two runs: the fingerprint changed.
            print(f"note: the second run was not a no-op (exit {noop_code}):\n{noop_out[-1500:]}")

        stock_total = 0.0
        failed = []
        cpu0 = children_cpu()
        for doc in files:
            seconds, ok = stock_generate(doc, tmp / "stock" / doc.stem)
            stock_total += seconds
            if not ok:
                failed.append(doc.name)
        stock_cpu = children_cpu() - cpu0

        cores = os.cpu_count() or 1
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"{len(files)} docs from {docs}; {cores} core(s); load average {load:.1f}")
        print(f"{'what':<36} {'ours wall':>10} {'stock wall':>11} {'ratio':>7} {'ours CPU':>9} {'stock CPU':>10}")
        rows = [("cold full regenerate", cold, cold_cpu), ("no-op regenerate (nothing changed)", noop, noop_cpu)]
        for label, wall, cpu in rows:
            print(
                f"{label:<36} {wall:9.1f}s {stock_total:10.1f}s {stock_total / wall:6.1f}x"
                f" {cpu:8.1f}s {stock_cpu:9.1f}s"
            )
        print(f"targets (wall, idle 2-core machine): cold <= 20 s, no-op <= 2 s. Ours exit codes: {code}, {noop_code}.")
        print("CPU = user+system seconds of all the run's processes: steadier than wall time on a busy machine.")
        print(
            f"stock: sequential per doc with its ruff hooks; {len(failed)} of {len(files)} docs failed"
            + (f" ({', '.join(failed)})" if failed else "")
            + "; its no-op is a full rerun."
        )
        return 1 if code != 0 else None
    finally:
        remove(tmp)


if __name__ == "__main__":
    raise SystemExit(main())

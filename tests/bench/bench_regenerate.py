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

from tests.bench._stock import docs_folder, ours, remove, stock_generate, temp_dir


def main() -> int | None:
    tmp = temp_dir("regenerate")
    try:
        docs = docs_folder(tmp)
        if docs is None:
            print("skipped: set PIWIK_PRO_DOCS_SOURCE to the exported docs (e.g. ../shared/piwik-pro-api-docs/2025-01)")
            return None
        files = sorted(docs.glob("*.json"))
        files = [f for f in files if f.name != "index.json"]
        args = ["--source", str(docs), "--output", str(tmp / "ours"), "--lock", str(tmp / "lock.json")]
        args += ["--reports", str(tmp / "reports")]

        cold, code, out = ours(*args)
        if code != 0:
            print(f"note: our regenerate exited {code}:\n{out[-2000:]}")
        noop, noop_code, noop_out = ours(*args)
        if "Up to date" not in noop_out:
            print(f"note: the second run was not a no-op (exit {noop_code}):\n{noop_out[-1500:]}")

        stock_total = 0.0
        failed = []
        for doc in files:
            seconds, ok = stock_generate(doc, tmp / "stock" / doc.stem)
            stock_total += seconds
            if not ok:
                failed.append(doc.name)

        cores = os.cpu_count() or 1
        print(f"{len(files)} docs from {docs}; {cores} core(s)")
        print(f"{'what':<40} {'ours':>9} {'stock':>9} {'stock/ours':>11}")
        print(f"{'cold full regenerate':<40} {cold:8.1f}s {stock_total:8.1f}s {stock_total / cold:10.1f}x")
        print(
            f"{'no-op regenerate (nothing changed)':<40} {noop:8.1f}s {stock_total:8.1f}s {stock_total / noop:10.1f}x"
        )
        print(f"targets: cold <= 20 s, no-op <= 2 s. Ours exit codes: cold {code}, no-op {noop_code}.")
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

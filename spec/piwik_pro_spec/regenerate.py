"""`nox -s regenerate`: docs -> spec fixes -> openapi-python-client -> generated/piwik_pro_api.

    python -m piwik_pro_spec.regenerate [--source URL|DIR] [--only NAME ...] [--check]
                                        [--allow-removals] [--force] [--output DIR] [--lock PATH]

Steps: fetch every doc of spec/sources.toml (or `--only` ones), apply the spec
fixes (every fix that fires is reported), build the new lock and print the
change report against spec/lock.json, generate the docs whose hash or pipeline
fingerprint changed (in parallel), format once with ruff, then swap the new
tree into place and write the lock. Any failure before the swap leaves the
previous generated/ and spec/lock.json untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import changes, discover, generate, lock
from .docjson import DocJSONError, parse_doc
from .download import SOURCE_ENV, DownloadError, describe_source, fetch_docs, resolve_source, save_docs
from .sources import SOURCES_FILE, DocSource, load_sources

REPO_ROOT = generate.SPEC_DIR.parent
DEFAULT_OUTPUT = REPO_ROOT / "generated"
DEFAULT_LOCK = generate.SPEC_DIR / "lock.json"
DEFAULT_REPORTS = REPO_ROOT / ".cache"
MANIFEST = "_build.json"  # inside piwik_pro_api/: what each doc's package was built from


class RegenerateError(Exception):
    """Stops the run before anything is written; the message names the doc and the cause."""


class NotOpenAPI3(RegenerateError):
    """The spec fixes left a doc that openapi-python-client cannot read (e.g. Swagger 2.0)."""


@dataclass
class Doc:
    source: DocSource
    raw: bytes
    fixed: dict[str, Any]
    fixes: list[Any] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def _say(message: str = "") -> None:
    print(message, flush=True)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m piwik_pro_spec.regenerate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        help=f"folder or http(s) URL serving the exported docs by file name (default: env {SOURCE_ENV}, "
        "else Piwik PRO's published docs)",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="regenerate only these docs (package names)")
    parser.add_argument(
        "--save-docs",
        type=Path,
        metavar="DIR",
        help="also keep the downloaded docs in DIR, by file name: a local mirror for later offline runs (--source DIR)",
    )
    parser.add_argument("--check", action="store_true", help="compare the docs with the lock; generate nothing")
    parser.add_argument("--allow-removals", action="store_true", help="delete packages of docs that disappeared")
    parser.add_argument("--force", action="store_true", help="regenerate even when nothing changed")
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="DEV ONLY: skip docs the generator rejects and keep going past dropped pieces (no lock written)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output folder (default: generated/)")
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK, help="lock file (default: spec/lock.json)")
    parser.add_argument(
        "--sources", type=Path, default=SOURCES_FILE, help="docs list (default: spec/piwik_pro_spec/sources.toml)"
    )
    parser.add_argument("--reports", type=Path, default=DEFAULT_REPORTS, help="where fix and change reports go")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every spec fix, not just counts")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel generator processes")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        return _run(args)
    except (RegenerateError, DownloadError, lock.LockError) as exc:
        _say(f"\nregenerate FAILED: {exc}")
        _say("Nothing was written: generated/ and the lock are as they were.")
        return 1
    except OSError as exc:  # e.g. the lock or output cannot be written; the swap was undone
        _say(f"\nregenerate FAILED: {type(exc).__name__}: {exc}")
        _say("generated/ and the lock are as they were.")
        return 1


def _select(sources: list[DocSource], only: list[str] | None) -> list[DocSource]:
    if not only:
        return sources
    known = {s.package for s in sources}
    unknown = [n for n in only if n not in known]
    if unknown:
        raise RegenerateError(
            f"--only: unknown doc(s) {', '.join(unknown)}. Known: {', '.join(sorted(known))} (spec/sources.toml)."
        )
    return [s for s in sources if s.package in set(only)]


def _check_generator() -> None:
    """Output, lock names and the parser speed-up in generate.py are all tied to the pinned version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version(generate.GENERATOR)
    except PackageNotFoundError:
        found = "not installed"
    if found != generate.GENERATOR_VERSION:
        raise RegenerateError(
            f"{generate.GENERATOR} {generate.GENERATOR_VERSION} is required, found {found}: "
            f"run `nox -s regenerate` (it installs the pin) or `pip install {generate.GENERATOR}=={generate.GENERATOR_VERSION}`."
        )


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _check_generator()
    sources = load_sources(args.sources)
    selected = _select(sources, args.only)
    source = resolve_source(args.source)
    output: Path = args.output.resolve()
    _recover_abandoned_builds(output)
    old_lock = lock.read_lock(args.lock)
    manifest = _read_manifest(output)
    # A doc the lock lists but the output lacks (an interrupted or deleted tree) is rebuilt too, even
    # outside --only: never report "no changes" over, or keep building on, an incomplete tree.
    lacking = [s for s in sources if s not in selected and s.package in (old_lock or {}).get("docs", {})]
    lacking = [s for s in lacking if s.package not in manifest]
    if lacking:
        _say(f"{output / generate.ROOT_PACKAGE} lacks {', '.join(s.package for s in lacking)}: regenerating them too.")
        selected = [s for s in sources if s in selected or s in lacking]
    _say(f"Docs from {describe_source(source)}")

    # 1. fetch, parse and fix, one progress line per doc
    total = len(selected)
    counter = iter(range(1, total + 1))

    def progress(doc: DocSource, data: bytes | None) -> None:
        size = "MISSING (404 or empty)" if data is None else f"{len(data) / 1024:.0f} kB"
        _say(f"[{next(counter):{len(str(total))}}/{total}] {doc.package:<24} fetched {size}")

    found_as: dict[str, str] = {}
    raw = fetch_docs(selected, source, missing_ok=True, progress=progress, found_as=found_as)

    # A doc under a name sources.toml does not list is found by its paths (a folder source only), with
    # the reference the sandbox and the tests use too (the checkout's lock, the installed index) and
    # this run's lock and output: every part finds the same docs.
    def reference() -> dict[str, set[str]]:
        from_output = discover.reference_from_index(generate.read_index(output)[1])
        return discover.merged(discover.default_reference(), discover.reference_from_lock(old_lock), from_output)

    renamed = discover.find_renamed(selected, source, raw, reference, every=sources, found_as=found_as)
    listed = {s.package: s.file for s in selected}
    for package, name in sorted(renamed.items()):
        _say(
            f"  {package} found as {name}, not {listed[package]}: matched by its paths ({len(raw[package] or b'') / 1024:.0f} kB)"
        )
    # A doc read under a former file name (sources.toml `former`) keeps its package; the lock records the name.
    sources = [replace(s, file=found_as.get(s.package, s.file)) for s in sources]
    selected = [replace(s, file=found_as.get(s.package, s.file)) for s in selected]
    if args.save_docs is not None:
        saved = save_docs(selected, raw, args.save_docs)
        _say(f"Saved {saved} doc(s) to {args.save_docs} (use it later with --source {args.save_docs})")
    fingerprint = generate.pipeline_fingerprint()
    pipeline = {"generator": f"{generate.GENERATOR} {generate.GENERATOR_VERSION}", "fingerprint": fingerprint}
    docs: dict[str, Doc] = {}
    unchanged: dict[str, dict[str, Any]] = {}  # package -> its old lock entry, still exact
    removed: list[str] = []
    incomplete: dict[str, str] = {}  # --allow-incomplete only
    for src in selected:
        data = raw[src.package]
        if data is None:
            removed.append(src.package)
            continue
        sha = hashlib.sha256(data).hexdigest()
        reused = None if args.force else lock.reusable_entry(old_lock, src.package, sha, pipeline)
        if reused is not None and manifest.get(src.package) == {"sha256": sha, "fingerprint": fingerprint}:
            # Same bytes, same pipeline, and the output was built from them: nothing to fix or generate.
            unchanged[src.package] = reused
            continue
        try:
            docs[src.package] = _fix(src, data)
        except NotOpenAPI3 as exc:
            if not args.allow_incomplete:
                raise
            incomplete[src.package] = str(exc)
    _report_fixes(docs, args.reports, args.verbose, len(unchanged))

    # A missing doc with no package in the output has nothing to keep or delete (a release that never
    # had it, or a fresh checkout): it is left out of the output and the lock, and the run still succeeds.
    absent = [p for p in removed if not (output / generate.ROOT_PACKAGE / p).is_dir()]
    dropped = set(removed) if args.allow_removals else set(absent)

    # 2. lock and change report
    new_lock, report = _lock_and_report(args, sources, docs, unchanged, removed, dropped, old_lock, pipeline)
    if args.check:
        return 0 if report.is_empty else 1

    if absent:
        _say(
            f"\n{len(absent)} doc(s) listed in {SOURCES_FILE.name} are not in this source: {', '.join(absent)}. "
            "No package is generated for them."
        )
    kept_removed = [p for p in removed if p not in dropped]
    if kept_removed:
        _say(
            f"\n{len(kept_removed)} doc(s) missing upstream: {', '.join(kept_removed)}. Their packages and lock "
            "entries are kept; rerun with --allow-removals to delete them."
        )

    # 3. what needs generating
    todo = [
        p for p, d in docs.items() if args.force or manifest.get(p) != {"sha256": d.sha256, "fingerprint": fingerprint}
    ]
    deleting = [p for p in removed if args.allow_removals and (output / generate.ROOT_PACKAGE / p).exists()]
    if not todo and not deleting and (output / generate.ROOT_PACKAGE / "_index.py").exists():
        new_lock = _with_models(args, old_lock, new_lock, output / generate.ROOT_PACKAGE, report)
        lock_changed = new_lock != old_lock and not incomplete
        if lock_changed:
            _write_lock(args.lock, new_lock)
            _say(f"Lock updated: {args.lock}")
        _say(f"\nUp to date: no doc and no pipeline input changed ({time.perf_counter() - started:.1f} s).")
        _warn_incomplete(incomplete)
        return 2 if kept_removed or incomplete else 0

    # 4. generate into a temp dir next to the output, then swap
    _say(f"\nGenerating {len(todo)} doc(s) with {generate.GENERATOR} {generate.GENERATOR_VERSION}")
    output.mkdir(parents=True, exist_ok=True)
    build_dir = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=output))
    try:
        skipped = _build(args, sources, docs, todo, removed, manifest, fingerprint, output, build_dir)
        skipped = {**incomplete, **skipped}
        new_lock = _with_models(args, old_lock, new_lock, build_dir / generate.ROOT_PACKAGE, report)
        write_lock = not skipped and new_lock != old_lock
        _swap(output, build_dir)
        if write_lock:
            try:
                _write_lock(args.lock, new_lock)
            except BaseException:
                _swap_back(output, build_dir)
                raise
            _say(f"Lock written: {args.lock}")
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    _warn_incomplete(skipped)
    _say(f"\nDone: {output / generate.ROOT_PACKAGE} ({time.perf_counter() - started:.1f} s).")
    return 2 if kept_removed or skipped else 0


# --- steps ----------------------------------------------------------------------


def _fix(src: DocSource, data: bytes) -> Doc:
    from .fixes import apply_fixes

    try:
        doc = parse_doc(data, f"{src.package} ({src.file})")
    except DocJSONError as exc:
        raise RegenerateError(str(exc)) from None
    if (
        not isinstance(doc, dict)
        or not ("openapi" in doc or "swagger" in doc)
        or not isinstance(doc.get("paths"), dict)
    ):
        raise RegenerateError(
            f"{src.package} ({src.file}): not an OpenAPI/Swagger document (needs `openapi` or `swagger`, and `paths`)."
        )
    try:
        result = apply_fixes(src.package, doc)
    except Exception as exc:
        raise RegenerateError(f"{src.package} ({src.file}): spec fixes failed: {type(exc).__name__}: {exc}") from exc
    version = str(result.doc.get("openapi", ""))
    if not version.startswith("3."):
        raise NotOpenAPI3(
            f"{src.package} ({src.file}): still not OpenAPI 3 after the spec fixes "
            f"(found {result.doc.get('swagger') or version or 'no version'})."
        )
    return Doc(source=src, raw=data, fixed=result.doc, fixes=list(result.applied))


def _report_fixes(docs: dict[str, Doc], reports: Path, verbose: bool, unchanged: int) -> None:
    lines = []
    for package, doc in docs.items():
        for fix in doc.fixes:
            lines.append(f"{package}: [{fix.rule}] {fix.location}: {fix.detail}")
    path = reports / "fix-report.txt"
    _write_text(path, "\n".join(lines) + ("\n" if lines else ""))
    skipped = f"; {unchanged} unchanged doc(s) not re-fixed" if unchanged else ""
    _say(f"\nSpec fixes: {len(lines)} applied{skipped}" + (f" (every one listed in {path}):" if lines else "."))
    for package, doc in docs.items():
        if not doc.fixes:
            continue
        counts: dict[str, int] = {}
        for fix in doc.fixes:
            counts[fix.rule] = counts.get(fix.rule, 0) + 1
        _say(f"  {package:<24} " + ", ".join(f"{rule} x{n}" for rule, n in sorted(counts.items())))
    if verbose:
        for line in lines:
            _say("    " + line)


def _lock_and_report(
    args: argparse.Namespace,
    sources: list[DocSource],
    docs: dict[str, Doc],
    unchanged: dict[str, dict[str, Any]],
    removed: list[str],
    dropped: set[str],
    old: dict[str, Any] | None,
    pipeline: dict[str, Any],
) -> tuple[dict[str, Any], Any]:
    old_entries: dict[str, Any] = dict((old or {}).get("docs", {}))
    entries: dict[str, dict[str, Any]] = {}
    for src in sources:
        if src.package in docs:
            d = docs[src.package]
            entries[src.package] = lock.doc_entry(src.package, src.file, d.raw, d.fixed)
        elif src.package in unchanged:
            entries[src.package] = unchanged[src.package]
        elif src.package in dropped:  # missing, and its package goes (or never existed)
            continue
        elif src.package in old_entries:  # not selected (--only), or missing and kept
            entries[src.package] = old_entries[src.package]
    new = lock.build_lock(entries, pipeline)
    # The report shows a missing doc as removed even while its package and entry are kept.
    seen = lock.build_lock({p: e for p, e in entries.items() if p not in removed}, pipeline)
    report = changes.compare(old, seen)
    _say("\n" + report.to_text().rstrip())
    _write_text(args.reports / "changes.md", report.to_markdown())
    _write_text(args.reports / "changes.json", report.to_json())
    return new, report


def _with_models(
    args: argparse.Namespace, old: dict[str, Any] | None, new: dict[str, Any], root: Path, report: Any
) -> dict[str, Any]:
    """`new` with the model class names of the tree at `root` (the one the lock will sit beside).

    Model classes renamed, merged away or added join the change report (printed and files).
    """
    new = lock.with_models(new, generate.read_models(root))
    found = changes.compare_models(old, new)
    if found:
        report.changes.extend(found)
        _say(
            "\nModel classes:\n"
            + "\n".join(f"  {'BREAKING' if c.breaking else '        '}  {c.doc}: {c.message}" for c in found)
        )
        _write_text(args.reports / "changes.md", report.to_markdown())
        _write_text(args.reports / "changes.json", report.to_json())
    return new


def _read_manifest(output: Path) -> dict[str, Any]:
    """{package: what it was built from} for the packages the output really holds (the manifest is written last)."""
    root = output / generate.ROOT_PACKAGE
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    docs = data.get("docs", {}) if isinstance(data, dict) else {}
    if not isinstance(docs, dict):
        return {}
    return {package: built for package, built in docs.items() if (root / package / "__init__.py").is_file()}


def _build(
    args: argparse.Namespace,
    sources: list[DocSource],
    docs: dict[str, Doc],
    todo: list[str],
    removed: list[str],
    manifest: dict[str, Any],
    fingerprint: str,
    output: Path,
    build_dir: Path,
) -> dict[str, str]:
    """Fill build_dir/piwik_pro_api; return {package: cause} of docs skipped under --allow-incomplete."""
    old_root = output / generate.ROOT_PACKAGE
    new_root = build_dir / generate.ROOT_PACKAGE
    new_root.mkdir(parents=True)
    old_docs, old_ops = generate.read_index(output)
    by_package = {s.package: s for s in sources}

    # Unchanged docs (and missing ones we keep) are copied from the previous output.
    # That is: every doc not regenerated now, except removed ones under --allow-removals.
    keep = [p for p in by_package if p not in todo and not (p in removed and args.allow_removals)]
    new_manifest: dict[str, Any] = {}
    index_docs: dict[str, Any] = {}
    index_ops: dict[str, list[dict[str, Any]]] = {}
    for package in keep:
        if (old_root / package).is_dir() and package in old_docs:
            shutil.copytree(old_root / package, new_root / package, ignore=shutil.ignore_patterns("__pycache__"))
            index_docs[package] = old_docs[package]
            index_ops[package] = [op for op in old_ops if op.get("doc") == package]
            if package in manifest:
                new_manifest[package] = manifest[package]

    try:
        results = _generate_all([docs[p] for p in todo], build_dir, args.jobs)
    except Exception as exc:  # a worker process died (out of memory, killed)
        raise RegenerateError(f"the generator processes failed: {type(exc).__name__}: {exc}") from exc
    failures: dict[str, str] = {}
    for package in todo:
        result = results[package]
        src = by_package[package]
        if result.fatal is not None:
            failures[package] = f"the generator rejected it: {result.fatal}"
            shutil.rmtree(new_root / package, ignore_errors=True)
            continue
        if result.problems:
            failures[package] = f"{len(result.problems)} generator warning(s):\n    " + "\n    ".join(result.problems)
        index_docs[package] = {"accessor": src.accessor, "file": src.file, "title": result.title}
        index_ops[package] = result.operations
        if not result.problems:
            new_manifest[package] = {"sha256": docs[package].sha256, "fingerprint": fingerprint}
    if failures and not args.allow_incomplete:
        details = "\n".join(f"  {p}: {c}" for p, c in failures.items())
        raise RegenerateError(
            f"{len(failures)} doc(s) did not generate completely (nothing may be dropped):\n{details}\n"
            "Fix the doc with a spec fix (spec/piwik_pro_spec/fixes/) or the templates, then rerun."
        )

    generate.render_shared(build_dir)
    order = {s.package: i for i, s in enumerate(sources)}
    packages = sorted(index_docs, key=order.__getitem__)
    generate.render_root(
        build_dir,
        {p: index_docs[p] for p in packages},
        [op for p in packages for op in index_ops[p]],
    )
    # Format what is new: the regenerated docs and the root modules.
    fresh = [new_root / p for p in todo if (new_root / p).exists()]
    fresh += sorted(p for p in new_root.glob("*.py"))
    _format(fresh)
    (new_root / MANIFEST).write_text(
        json.dumps({"fingerprint": fingerprint, "docs": dict(sorted(new_manifest.items()))}, indent=1, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    return failures


def _generate_all(docs: list[Doc], build_dir: Path, jobs: int) -> dict[str, generate.DocResult]:
    # Largest first: the Tag Manager docs dominate, start them early.
    ordered = sorted(docs, key=lambda d: -len(d.raw))
    payloads = [(d.source.package, d.source.accessor, json.dumps(d.fixed).encode()) for d in ordered]
    results: dict[str, generate.DocResult] = {}
    n = len(payloads)

    def done(i: int, result: generate.DocResult) -> None:
        status = "FAILED" if result.fatal else (f"{len(result.problems)} warning(s)" if result.problems else "ok")
        _say(f"[{i:{len(str(n))}}/{n}] {result.package:<24} {len(result.operations):3} operations  {status}")
        results[result.package] = result

    if jobs <= 1 or n <= 1:
        for i, (package, accessor, payload) in enumerate(payloads, 1):
            done(i, generate.generate_doc(package, accessor, payload, build_dir))
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=min(jobs, n)) as pool:
        futures = [pool.submit(generate.generate_doc, p, a, payload, build_dir) for p, a, payload in payloads]
        for i, future in enumerate(as_completed(futures), 1):
            done(i, future.result())
    return results


def _format(paths: list[Path]) -> None:
    """`ruff format` once over the new files (the templates already import only what is used)."""
    if not paths:
        return
    # Not --quiet: it also silences the parse errors that say which generated file is broken and why.
    cmd = [sys.executable, "-m", "ruff", "format", "--isolated", "--no-cache"]
    cmd += ["--line-length", "120", "--target-version", "py310", *(str(p) for p in paths)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip() or f"exit status {proc.returncode}, no output")[:2000]
        raise RegenerateError(f"ruff failed on the generated code:\n{detail}")


def _recover_abandoned_builds(output: Path) -> None:
    """Temp build dirs of runs that died (their process is gone): put the previous output back, then remove them.

    The swap renames generated/piwik_pro_api to <build>/previous, then the new tree into place. A run that died
    between the two (or while swapping back) left no output and the previous one in its build dir.
    """
    target = output / generate.ROOT_PACKAGE
    for path in sorted(output.glob(".build-*-*")):
        try:
            pid = int(path.name.split("-")[1])
            os.kill(pid, 0)  # raises if no such process
        except ProcessLookupError:
            previous = path / "previous"
            if not target.exists() and (previous / MANIFEST).is_file():
                previous.rename(target)
                _say(f"Restored {target} from an interrupted run ({path.name}).")
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, OSError):
            continue


def _swap(output: Path, build_dir: Path) -> None:
    """Two renames; at any instant either the output is in place or it waits in build_dir/previous."""
    target = output / generate.ROOT_PACKAGE
    fresh = build_dir / generate.ROOT_PACKAGE
    old = build_dir / "previous"
    if target.exists():
        target.rename(old)
    fresh.rename(target)


def _warn_incomplete(skipped: dict[str, str]) -> None:
    if not skipped:
        return
    _say("\n" + "!" * 78)
    _say(f"--allow-incomplete: {len(skipped)} doc(s) NOT generated or incomplete; lock NOT written:")
    for package, cause in skipped.items():
        _say(f"  {package}: {cause}")
    _say("!" * 78)


def _swap_back(output: Path, build_dir: Path) -> None:
    # Renames first, deletion last: a crash in between leaves what _recover_abandoned_builds restores.
    target = output / generate.ROOT_PACKAGE
    old = build_dir / "previous"
    discarded = build_dir / "discarded"
    if target.exists():
        target.rename(discarded)
    if old.exists():
        old.rename(target)
    shutil.rmtree(discarded, ignore_errors=True)


def _write_lock(path: Path, new_lock: Any) -> None:
    lock.write_lock(path, new_lock)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())

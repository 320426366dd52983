"""Find a doc published under a file name sources.toml does not know, by the paths it describes.

A release may publish a doc under another name than its `file` and `former` names. In a folder
source, each `*.json` no doc claims is compared with the docs still missing, by the shapes of
their paths (placeholders and version segments blanked, so `/api/users/v2/{user_id}/` is
`/api/users/v*/{}`), against the paths recorded for each doc (the lock, or the generated
index). A file becomes a doc when it shares more than a quarter of their paths together, that
doc has no better file and the file no better doc; a tie matches nothing. Nothing depends on
the order the folder lists its files in.

Facts only: the reference is path templates, never the docs' prose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .docjson import DocJSONError, parse_doc
from .sources import DocSource

# Below this share of common paths (Jaccard) a file is not taken for a doc: two docs of one
# product share a prefix, not their paths (across 2024-01 and 2025-01 the right doc scores
# 0.4 or more and every other doc 0).
MIN_SHARE = 0.25
_VERSION = re.compile(r"^v\d+$")


def path_shape(path: str) -> str:
    """`/api/users/v2/{user_id}/` -> `/api/users/v*/{}`: what stays when versions and names move."""
    segments = [s for s in path.strip().lower().split("/") if s]
    return "/" + "/".join("{}" if s.startswith("{") else "v*" if _VERSION.match(s) else s for s in segments)


def doc_shapes(doc: Any) -> set[str]:
    """The path shapes a parsed OpenAPI 3 or Swagger 2 doc describes (Swagger's basePath included)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return set()
    base_path = doc.get("basePath")
    base = base_path if isinstance(base_path, str) else ""
    return {path_shape(f"{base.rstrip('/')}/{str(path).lstrip('/')}") for path in doc["paths"]}


def reference_from_lock(lock: Mapping[str, Any] | None) -> dict[str, set[str]]:
    """{package: path shapes} from a lock's operation keys ("GET /api/users/v2")."""
    docs = lock.get("docs") if isinstance(lock, Mapping) else None
    if not isinstance(docs, Mapping):
        return {}
    return {
        package: {path_shape(key.split(" ", 1)[-1]) for key in entry["operations"] if isinstance(key, str)}
        for package, entry in docs.items()
        if isinstance(entry, dict) and isinstance(entry.get("operations"), dict)
    }


def reference_from_index(operations: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """{package: path shapes} from the generated index's OPERATIONS."""
    found: dict[str, set[str]] = {}
    for op in operations:
        found.setdefault(str(op.get("doc")), set()).add(path_shape(str(op.get("path", ""))))
    return found


def merged(*references: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """One reference from several ({package: the union of its path shapes})."""
    found: dict[str, set[str]] = {}
    for reference in references:
        for package, shapes in reference.items():
            found.setdefault(package, set()).update(shapes)
    return found


def default_reference() -> dict[str, set[str]]:
    """What this installation knows: the checkout's spec/lock.json and the installed piwik_pro_api index."""
    lock_path = Path(__file__).resolve().parent.parent / "lock.json"  # spec/lock.json in a checkout only
    try:
        from_lock = reference_from_lock(json.loads(lock_path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        from_lock = {}
    try:
        from piwik_pro_api._index import OPERATIONS  # type: ignore[import-not-found,unused-ignore]
    except Exception:  # not generated yet, or another error: the lock is enough
        return from_lock
    return merged(from_lock, reference_from_index(OPERATIONS))


def _share(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _candidates(folder: Path, claimed: set[str]) -> dict[str, tuple[set[str], bytes]]:
    """{file name: (its path shapes, its bytes)} for the readable docs in `folder` no doc claims."""
    found: dict[str, tuple[set[str], bytes]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name in claimed or not path.is_file():
            continue
        try:
            data = path.read_bytes()
            shapes = doc_shapes(parse_doc(data, path.name))
        except (OSError, DocJSONError):
            continue  # not a doc this can read: regenerate never reads it either
        if shapes:
            found[path.name] = (shapes, data)
    return found


def _pair(wanted: Mapping[str, set[str]], files: Mapping[str, set[str]]) -> dict[str, str]:
    """{package: file} where each is the other's best match, above MIN_SHARE and without a tie."""
    scores = {(p, f): _share(s, fs) for p, s in wanted.items() for f, fs in files.items()}
    matches: dict[str, str] = {}
    for package in sorted(wanted):
        ranked = sorted(((score, f) for (p, f), score in scores.items() if p == package), reverse=True)
        if not ranked or ranked[0][0] < MIN_SHARE or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            continue
        best_file = ranked[0][1]
        rivals = [score for (p, f), score in scores.items() if f == best_file and p != package]
        if all(score < ranked[0][0] for score in rivals):
            matches[package] = best_file
    return matches


def match_files(
    folder: Path, missing: Iterable[str], claimed: Iterable[str], reference: Mapping[str, set[str]]
) -> dict[str, str]:
    """{package: file name} for the missing docs found under unclaimed names in `folder`."""
    wanted = {p: reference[p] for p in missing if reference.get(p)}
    if not wanted:
        return {}
    return _pair(wanted, {name: shapes for name, (shapes, _) in _candidates(folder, set(claimed)).items()})


def find_renamed(
    docs: Iterable[DocSource],
    source: str | None,
    raw: dict[str, bytes | None],
    reference: Callable[[], Mapping[str, set[str]]],
    *,
    every: Iterable[DocSource] = (),
    found_as: dict[str, str] | None = None,
) -> dict[str, str]:
    """Fill in `raw` the docs a folder source has under unknown names; returns {package: file name}.

    `reference` is called only when a doc is missing (reading it costs a lock parse and an index
    import). `every`: all the listed docs, whose names stay theirs (so `--only` cannot hand one
    doc's file to another). A URL source cannot be listed: nothing is looked for there.
    """
    docs = list(docs)
    missing = [d.package for d in docs if raw.get(d.package) is None]
    if not missing or source is None or source.startswith(("http://", "https://")):
        return {}
    folder = Path(source).expanduser()
    if not folder.is_dir():
        return {}
    known = reference()
    wanted = {p: known[p] for p in missing if known.get(p)}
    if not wanted:
        return {}
    claimed = {name for d in (*every, *docs) for name in (d.file, *d.former)}
    files = _candidates(folder, claimed)
    matches = _pair(wanted, {name: shapes for name, (shapes, _) in files.items()})
    for package, name in matches.items():
        raw[package] = files[name][1]
        if found_as is not None:
            found_as[package] = name
    return matches

"""Variations of a docs release, built in a temp folder from the mirror: what an unseen release may look like.

Never committed: `build_variation` reads the mirror and writes only to the folder it is given.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

Reorder = Callable[[list[Any]], list[Any]]

ORDERS: dict[str, Reorder] = {
    "doc": lambda members: members,
    "reversed": lambda members: members[::-1],
    "rotated": lambda members: members[1:] + members[:1],
}


def reorder_unions(node: Any, reorder: Reorder) -> int:
    """Reorder the members of every anyOf/oneOf in a doc, in place; return how many unions changed."""
    changed = 0
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("anyOf", "oneOf") and isinstance(value, list) and len(value) > 1:
                node[key] = reorder(value)
                changed += node[key] != value
            changed += reorder_unions(node[key], reorder)
    elif isinstance(node, list):
        for item in node:
            changed += reorder_unions(item, reorder)
    return changed


def build_variation(
    mirror: Path,
    target: Path,
    *,
    order: str = "doc",
    remove: Iterable[str] = (),
    rename: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Copy `mirror` to `target`: without the files `remove`, files renamed per `rename`, unions reordered.

    Returns {file name in target: unions reordered} for every doc written.
    """
    target.mkdir(parents=True, exist_ok=True)
    rename = dict(rename or {})
    removed = set(remove)
    written: dict[str, int] = {}
    for path in sorted(mirror.glob("*.json")):
        if path.name in removed:
            continue
        name = rename.get(path.name, path.name)
        if order == "doc":
            shutil.copyfile(path, target / name)
            written[name] = 0
            continue
        doc = json.loads(path.read_bytes())
        written[name] = reorder_unions(doc, ORDERS[order])
        (target / name).write_text(json.dumps(doc), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.variations MIRROR TARGET [--order reversed] [--remove FILE]... [--rename OLD=NEW]...`"""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.variations", description=main.__doc__)
    parser.add_argument("mirror", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--order", choices=sorted(ORDERS), default="doc")
    parser.add_argument("--remove", action="append", default=[], metavar="FILE")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args(argv)
    rename = dict(item.split("=", 1) for item in args.rename)
    written = build_variation(args.mirror, args.target, order=args.order, remove=args.remove, rename=rename)
    print(f"{len(written)} docs in {args.target} ({sum(written.values())} unions reordered: {args.order})")
    return 0

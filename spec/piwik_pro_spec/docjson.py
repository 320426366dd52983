"""Parse a downloaded doc: JSON, and no deeper than the pipeline can walk.

Every step after parsing (spec fixes, lock, generator, sandbox) walks the doc
recursively; a doc nested thousands of levels deep would end in a bare
RecursionError somewhere. It is refused here instead, naming the doc.
"""

from __future__ import annotations

import json
from typing import Any

from .download import DownloadError

# The real docs nest under 40 levels; the recursive walkers need a few frames per level.
MAX_NESTING = 200


class DocJSONError(DownloadError):
    """A doc that is not JSON, or is nested too deep; the message names the doc."""


def parse_doc(data: bytes, name: str) -> Any:
    """`data` parsed as JSON; DocJSONError naming `name` when it is not JSON or nests beyond MAX_NESTING."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise DocJSONError(f"{name}: JSON nested too deep to parse (more than {MAX_NESTING} levels allowed).") from None
    except ValueError as exc:
        raise DocJSONError(f"{name}: not valid JSON ({exc}).") from None
    depth = nesting(value)
    if depth > MAX_NESTING:
        raise DocJSONError(f"{name}: JSON nested {depth} levels deep; at most {MAX_NESTING} are allowed.")
    return value


def nesting(value: Any) -> int:
    """How many levels of objects/arrays `value` nests (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node)
    return deepest

"""Strip terminal control sequences and invisible text-direction characters from the docs' prose.

Summaries, descriptions and titles end up in generated docstrings, `piwik-pro ops` output and the
fix report. A doc carrying ESC sequences (set the terminal title, write the clipboard) or bidi
overrides (text that reads differently than it runs) must not smuggle them there. Removed from
every `summary`, `description` and `title` string: ANSI/OSC escape sequences, C0 and C1 control
characters except newline and tab, and the bidirectional formatting characters.
Data is left alone (examples, defaults, enums, consts): what the API sends is not prose.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Path, Record

NAME = "prose-controls"

PROSE_KEYS = frozenset({"summary", "description", "title"})
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "value", "x-examples"})
# Objects whose keys are names chosen by the doc (a property called "example" is still a schema).
NAME_MAPS = frozenset(
    {"properties", "patternProperties", "definitions", "schemas", "parameters", "responses", "paths",
     "headers", "content", "requestBodies", "securitySchemes", "links", "callbacks", "encoding", "variables"}
)  # fmt: skip

# ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), ESC + one char; then lone C0/C1 controls.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    return _CONTROLS.sub("", _ESCAPE_SEQUENCE.sub("", text))


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    stack: list[tuple[Any, Path, bool]] = [(doc, (), False)]
    while stack:
        node, path, names = stack.pop()
        if isinstance(node, list):
            stack.extend((item, (*path, i), False) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            here = (*path, key)
            if names:  # keys are names: every value is an object to look into
                stack.append((value, here, False))
            elif key in PROSE_KEYS and isinstance(value, str):
                cleaned = clean(value)
                if cleaned != value:
                    node[key] = cleaned
                    record(here, f"removed {len(value) - len(cleaned)} control/bidi character(s) from {key}")
            elif key not in DATA_KEYS or (key == "examples" and isinstance(value, dict) and "value" not in value):
                stack.append((value, here, key in NAME_MAPS and isinstance(value, dict)))

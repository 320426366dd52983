"""Hostile fixture docs (tests/fixtures/docs/hostile/) through the whole pipeline: each gives correct code,
checked by importing it and round-tripping the exact strings, never wrong code with exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ._hostile import generate_docs, hostile
from ._support import Run, python_ok

pytestmark = pytest.mark.timeout(300)

_BIDI_AND_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
_BIDI_AND_CONTROLS += ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Run, Path]]:
    """Each hostile doc that must generate, through its own regenerate run: {name: (run, output)}."""
    out = {}
    for name in ("enum_collisions", "internal_names", "quoted_defaults", "prose_controls"):
        tmp = tmp_path_factory.mktemp(name)
        out[name] = (generate_docs(tmp, {name: hostile(name)}), tmp / "generated")
    return out


def output_of(generated: dict[str, tuple[Run, Path]], name: str) -> Path:
    run, output = generated[name]
    assert run.code == 0, run.out[-3000:]
    return output


def test_enum_values_that_collide_after_sanitising_all_survive(generated: dict[str, tuple[Run, Path]]) -> None:
    output = output_of(generated, "enum_collisions")
    raw = hostile("enum_collisions")["components"]["schemas"]["Thing"]["properties"]["kind"]["enum"]
    code = f"""
import json
from piwik_pro_api.enum_collisions.models import Thing, ThingKind
values = {raw!r}
assert sorted(m.value for m in ThingKind) == sorted(values), [m.value for m in ThingKind]
for value in values:
    assert Thing.from_dict({{"kind": value}}).to_dict() == {{"kind": value}}, value
print(json.dumps({{m.name: m.value for m in ThingKind}}))
"""
    members = json.loads(python_ok(code, output))
    assert members["LINEBREAK"] == "line\nbreak" and members["TABHERE"] == "tab\there"
    # Names follow the sorted values, not the doc's order: "A_B" < "a b" < "a-b".
    assert (members["A_B"], members["A_B_2"], members["A_B_3"]) == ("A_B", "a b", "a-b")


def test_properties_named_like_model_internals_round_trip(generated: dict[str, tuple[Run, Path]]) -> None:
    output = output_of(generated, "internal_names")
    props = hostile("internal_names")["components"]["schemas"]["Thing"]["properties"]
    value = {name: f"v-{name}" for name in props} | {"extra": 7}
    code = f"""
from piwik_pro_api.internal_names.models import Thing
value = {value!r}
thing = Thing.from_dict(value)
assert thing.to_dict() == value, thing.to_dict()
assert thing.d_ == "v-d" and thing.additional_properties == {{"extra": 7}}
assert Thing.from_dict({{"d": "only"}}).to_dict() == {{"d": "only"}}
print("ok")
"""
    assert python_ok(code, output).strip() == "ok"


def test_quotes_and_backslashes_in_const_and_default_are_kept_exactly(generated: dict[str, tuple[Run, Path]]) -> None:
    output = output_of(generated, "quoted_defaults")
    props = hostile("quoted_defaults")["components"]["schemas"]["Thing"]["properties"]
    const, default = props["kind"]["const"], props["note"]["default"]
    code = f"""
import attrs
from piwik_pro_api.quoted_defaults.models import Thing
assert Thing.from_dict({{"kind": {const!r}}}).to_dict() == {{"kind": {const!r}}}
assert attrs.fields(Thing).note.default == {default!r}, attrs.fields(Thing).note.default
try:
    Thing.from_dict({{"kind": "other"}})
except ValueError:
    print("ok")
"""
    assert python_ok(code, output).strip() == "ok"


def test_control_and_bidi_characters_in_prose_reach_no_code_or_terminal(generated: dict[str, tuple[Run, Path]]) -> None:
    output = output_of(generated, "prose_controls")
    package = output / "piwik_pro_api" / "prose_controls"
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = sorted({f"U+{ord(c):04X}" for c in text if c in _BIDI_AND_CONTROLS})
        assert not found, (path.relative_to(package), found)
    index = (output / "piwik_pro_api" / "_index.py").read_text(encoding="utf-8")
    assert '"summary": "List esorp items"' in index and "\\x1b" not in index and "\\u202e" not in index
    # Data is data: the example keeps its characters in the fixed doc the sandbox serves.
    from piwik_pro_spec.fixes import apply_fixes

    fixed = apply_fixes("prose_controls", hostile("prose_controls")).doc
    media = fixed["paths"]["/api/prose/v1"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["examples"]["one"] == {"summary": "one", "value": {"text": "keep \u001b[1m this \u202e"}}
    assert fixed["components"]["schemas"]["Prose"]["properties"]["text"]["example"] == "data \u001b[1m stays"
    # `piwik-pro ops` over the generated index prints no escape sequence.
    env = dict(os.environ, PYTHONPATH=str(output), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "piwik_pro.cli", "ops", "prose_controls"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "list_prose" in proc.stdout and "List esorp items" in proc.stdout
    assert not [c for c in proc.stdout + proc.stderr if c in _BIDI_AND_CONTROLS and c not in "\n"]

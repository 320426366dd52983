"""The typed surface as a user's project sees it: the wheel in a fresh venv, mypy and pyright pinned.

- user_code.py (walkthrough, list, paginate, detailed, a typed error, async, Tag Manager, analytics):
  0 errors with `mypy --strict --disallow-any-expr` and pyright strict, and no escape hatches;
- misuse.py: every line marked `# mistake:` is reported by both checkers, and no other line.

Slow (a wheel build, a venv, two checkers over the whole package): marked `typing`, run by
`nox -s typing`, deselected from `nox -s tests`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import _harness

pytestmark = [pytest.mark.typing, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def env() -> Iterator[_harness.Env]:
    made = _harness.make_env()
    try:
        yield made
    finally:
        _harness.remove(made)


def test_user_code_needs_no_escape_hatch() -> None:
    assert _harness.forbidden_in_user_code() == []


def test_user_code_is_clean_with_mypy(env: _harness.Env) -> None:
    code, output = _harness.mypy(env, _harness.USER_CODE)
    assert _harness.mypy_errors(output) == {}, output
    assert code == 0, output


def test_user_code_is_clean_with_pyright(env: _harness.Env) -> None:
    _, output = _harness.pyright(env, _harness.USER_CODE)
    assert _harness.pyright_errors(output) == {}


def _compare(found: dict[tuple[str, int], list[str]], checker: str) -> None:
    marked = _harness.marked_lines()
    assert len(marked) >= 7
    lines = {line: messages for (name, line), messages in found.items() if name == _harness.MISUSE}
    other_files = {key: messages for key, messages in found.items() if key[0] != _harness.MISUSE}
    missed = {line: what for line, what in marked.items() if line not in lines}
    extra = {line: messages for line, messages in lines.items() if line not in marked}
    assert not missed, f"{checker} missed these mistakes: {missed}"
    assert not extra, f"{checker} reported lines that are not mistakes: {extra}"
    assert not other_files, f"{checker} reported errors outside the misuse file: {other_files}"


def test_mypy_reports_every_mistake_and_nothing_else(env: _harness.Env) -> None:
    _, output = _harness.mypy(env, _harness.MISUSE)
    _compare(_harness.mypy_errors(output), "mypy")


def test_pyright_reports_every_mistake_and_nothing_else(env: _harness.Env) -> None:
    _, output = _harness.pyright(env, _harness.MISUSE)
    _compare(_harness.pyright_errors(output), "pyright")

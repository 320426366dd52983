"""generate.tidy_imports: the rendered modules' one-line imports lose unused names and repeats, nothing else."""

from __future__ import annotations

import ast
import textwrap

from piwik_pro_spec.generate import tidy_imports


def _tidy(source: str) -> str:
    result = tidy_imports(textwrap.dedent(source))
    ast.parse(result)  # always still a module
    return result


def test_unused_names_go_and_used_ones_stay():
    out = _tidy(
        """
        from typing import Any, TypeVar, BinaryIO, TextIO, Generator
        T = TypeVar("T")
        def f(x: Any) -> None: ...
        """
    )
    assert "from typing import Any, TypeVar\n" in out


def test_a_name_only_in_a_string_is_kept():
    # The TypedDict twins name their field types in strings (functional syntax).
    out = _tidy(
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from typing import TypedDict
            from .other import OtherDict
            from .unused import Gone
            XDict = TypedDict("XDict", {"a": "OtherDict"})
        """
    )
    assert "from .other import OtherDict" in out and "from typing import TypedDict" in out
    assert "Gone" not in out


def test_repeated_lines_and_names_are_dropped_once_imported():
    out = _tidy(
        """
        from ...types import UNSET, Unset
        from ...types import UNSET, Unset
        from typing import cast, Any
        from typing import cast
        x = cast(Any, UNSET) or Unset
        """
    )
    assert out.count("from ...types import UNSET, Unset") == 1
    assert out.count("cast") == 2  # the import and the use


def test_an_alias_is_judged_by_the_name_it_binds():
    out = _tidy(
        """
        from attrs import define as _attrs_define
        from attrs import field as _attrs_field
        @_attrs_define
        class A: ...
        """
    )
    assert "define as _attrs_define" in out and "_attrs_field" not in out


def test_a_type_checking_block_left_empty_goes_and_so_may_its_import():
    out = _tidy(
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from collections.abc import Iterator

            from .m import Unused

        x = 1
        """
    )
    assert "if TYPE_CHECKING" not in out and "TYPE_CHECKING" not in out and "Iterator" not in out


def test_a_block_that_keeps_one_import_keeps_its_header():
    out = _tidy(
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from collections.abc import Iterator

            from .m import Used

        def f(x: Used) -> None: ...
        """
    )
    assert "if TYPE_CHECKING:\n" in out and "from .m import Used" in out and "Iterator" not in out


def test_future_imports_multiline_imports_and_commented_lines_are_left_alone():
    source = """\
from __future__ import annotations
from x import (
    A,
    B,
)
import httpx  # annotations only
y = 1
"""
    assert _tidy(source) == source


def test_an_import_inside_a_function_is_that_functions_own_not_a_repeat():
    out = _tidy(
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .m import Model
        def f(x: Model) -> None:
            from .m import Model
            Model.from_dict(x)
        """
    )
    assert out.count("from .m import Model") == 2

"""The round-trip comparison used by the examples test is exact (it can fail, and says where)."""

from __future__ import annotations

import pytest

from ._examples import same


def test_equal_documents_match_whatever_the_key_order() -> None:
    assert same({"a": 1, "b": [True, None, "x"]}, {"b": [True, None, "x"], "a": 1}) is None


@pytest.mark.parametrize(
    ("example", "got", "where"),
    [
        ({"a": 1, "b": 2}, {"a": 1}, "$: keys missing ['b']"),
        ({"a": 1}, {"a": 1, "extra": 0}, "$: keys missing [], extra ['extra']"),
        ({"a": 1}, {"a": 1.0}, "$.a: expected 1 (int), got 1.0 (float)"),
        ({"a": True}, {"a": 1}, "$.a: expected True (bool), got 1 (int)"),
        ({"t": "2020-03-19T21:49:36Z"}, {"t": "2020-03-19T21:49:36+00:00"}, "$.t: expected"),
        ([{"id": "x"}], [{"id": "x"}, {"id": "y"}], "$: expected a list of 1"),
        ({"a": {"b": [1, {"c": None}]}}, {"a": {"b": [1, {"c": "null"}]}}, "$.a.b[1].c: expected None"),
    ],
)
def test_any_difference_is_reported_with_its_place(example: object, got: object, where: str) -> None:
    problem = same(example, got)
    assert problem is not None and problem.startswith(where), problem

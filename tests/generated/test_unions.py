"""piwik_pro_api._unions.parse_union: the member that accounts for the whole value wins, in any order.

Small models shaped like the generated ones: `from_dict` ignores keys the model does not declare
(additionalProperties: false), as the generated code does, so a member whose fields are a subset of
another's accepts its values and would silently drop keys if the first member to accept won.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

parse_union = pytest.importorskip("piwik_pro_api._unions", reason="run `nox -s regenerate` first").parse_union
UnionMismatchError = pytest.importorskip("piwik_pro_api._unions").UnionMismatchError


@attrs.define
class Popup:
    code: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code}

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Popup:
        return cls(code=dict(src).pop("code"))


@attrs.define
class CustomTag:
    code: str
    tag_type: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "tag_type": self.tag_type}

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> CustomTag:
        d = dict(src)
        return cls(code=d.pop("code"), tag_type=d.pop("tag_type"))


@attrs.define
class Open:
    """additionalProperties: true: unknown keys kept, so it gives back any object with `code`."""

    code: str
    additional_properties: dict[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.additional_properties}

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Open:
        d = dict(src)
        model = cls(code=d.pop("code"))
        model.additional_properties = d
        return model


MEMBERS = (Popup, CustomTag, Open)


@pytest.mark.parametrize("order", list(itertools.permutations(MEMBERS)), ids=lambda o: "-".join(c.__name__ for c in o))
def test_the_member_that_accounts_for_every_key_wins_in_any_order(order: tuple[type, ...]) -> None:
    parsers = [cls.from_dict for cls in order]  # type: ignore[attr-defined]
    full = {"code": "<b>", "tag_type": "async"}
    assert type(parse_union(full, parsers)) is CustomTag  # not Popup (drops tag_type), not Open (keeps it as extra)
    assert type(parse_union({"code": "<b>"}, parsers)) is Popup  # exact, fewest fields
    assert type(parse_union({"code": "<b>", "other": 1}, parsers)) is Open  # the only one that keeps `other`


@pytest.mark.parametrize("order", [(Popup, CustomTag), (CustomTag, Popup)], ids=["popup-first", "custom-first"])
def test_a_value_no_member_accounts_for_names_the_closest_member_and_the_path(order: tuple[type, ...]) -> None:
    parsers = [cls.from_dict for cls in order]  # type: ignore[attr-defined]
    with pytest.raises(UnionMismatchError) as caught:
        parse_union({"code": "<b>", "tag_type": "async", "colour": "red"}, parsers, key="attributes")
    assert caught.value.member == "CustomTag"
    assert caught.value.path == "$.attributes.colour"
    with pytest.raises(UnionMismatchError) as missing:
        parse_union({"name": "x"}, parsers)
    assert missing.value.member in ("CustomTag", "Popup") and "code" in missing.value.path


def test_fallback_members_get_the_value_when_no_parser_accepts_it() -> None:
    assert parse_union("plain text", [Popup.from_dict], fallback=True) == "plain text"
    with pytest.raises(UnionMismatchError):
        parse_union("plain text", [Popup.from_dict])


@pytest.mark.parametrize("order", [(Popup, CustomTag), (CustomTag, Popup)], ids=["popup-first", "custom-first"])
def test_cli_builds_a_union_body_into_the_member_that_keeps_every_key(order: tuple[type, type]) -> None:
    from piwik_pro.cli._params import UsageError, to_model

    body = to_model({"code": "<b>", "tag_type": "async"}, order[0] | order[1])
    assert type(body) is CustomTag and body.to_dict() == {"code": "<b>", "tag_type": "async"}
    with pytest.raises(UsageError, match=r"closest is CustomTag: \$\.colour"):
        to_model({"code": "<b>", "tag_type": "async", "colour": "red"}, order[0] | order[1])

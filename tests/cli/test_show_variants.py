"""`piwik-pro ops show` lists a union body's variants by the value that picks each one, with their fields."""

from __future__ import annotations

import re

import pytest
from piwik_pro.cli import main

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("generated")]


def _create_tag() -> str:
    import piwik_pro

    for op in piwik_pro.operations():
        if op.method == "POST" and re.fullmatch(r"/api/tag/v1/\{[^}]+\}/tags", op.path):
            return op.qualified_name
    pytest.skip("this docs release has no Tag Manager create-tag operation")


def test_create_tag_variants_are_listed_by_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ops", "show", _create_tag()]) == 0
    text = capsys.readouterr().out
    assert "variants, chosen by data.attributes.template:" in text, text[:2000]
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("template=")]
    assert len(lines) > 10
    popup = [line for line in lines if line.startswith("template='custom_popup' ")]
    assert len(popup) == 1 and "code*" in popup[0] and "tag_type" not in popup[0], popup
    assert any(line.startswith("template='custom_tag' ") and "tag_type*" in line for line in lines)

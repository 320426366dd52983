"""Every JSON example in the docs parses into a typed model that gives the example back.

Responses: each example is fed, as an httpx.Response with its status and media
type, to the generated endpoint's `_parse_response`; the result must be an
attrs model (or a list of them), never None or a bare dict, and `to_dict()`
must give back the example's content (see `_examples.same` for the exact
comparison). Request bodies: each example goes through the endpoint's
generated `parse_body` and `to_dict()` the same way (see `_roundtrip`). The endpoint module is found through
`piwik_pro_api._index.OPERATIONS` (by doc, method and path).

Needs the real docs: set PIWIK_PRO_DOCS_SOURCE (CI: ../shared/piwik-pro-api-docs/2025-01).
"""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest

from tests.conftest import SKIP_REASON as _NO_DOCS

from . import _roundtrip
from ._examples import (
    Example,
    docs_source,
    fixed_docs,
    is_json,
    media_examples,
    operations,
    request_examples,
    resolve,
    response_examples,
)


def _params(kind: str) -> list[Any]:
    if not docs_source():
        return [pytest.param(None, id="no-docs", marks=pytest.mark.skip(reason=_NO_DOCS))]
    collect = response_examples if kind == "response" else request_examples
    return [pytest.param(e, id=e.id) for pkg, doc in fixed_docs().items() for e in collect(pkg, doc)]


@pytest.mark.parametrize("example", _params("response"))
def test_response_example_parses_to_typed_model(example: Example) -> None:
    problem = _roundtrip.problem(example)
    assert problem is None, f"{example.id}: {problem}"


@pytest.mark.parametrize("example", _params("request"))
def test_request_example_parses_to_body_model(example: Example) -> None:
    """Through the endpoint's generated `parse_body`: a union body picks its member the generated way."""
    assert hasattr(_roundtrip.endpoint_module(example.doc, example.method, example.path), "parse_body")
    problem = _roundtrip.problem(example)
    assert problem is None, f"{example.id}: {problem}"


def _response_params() -> list[Any]:
    if not docs_source():
        return [pytest.param(None, id="no-docs", marks=pytest.mark.skip(reason=_NO_DOCS))]
    out = []
    for pkg, doc in fixed_docs().items():
        for path, method, op in operations(doc):
            for status in op.get("responses") or {}:
                out.append(pytest.param((pkg, path, method, str(status)), id=f"{pkg}:{method.upper()} {path}:{status}"))
    return out


@pytest.mark.parametrize("case", _response_params())
def test_every_documented_response_has_a_parser(case: tuple[str, str, str, str]) -> None:
    """No response omitted: the parser has a branch for every documented status.

    Fed a body of the documented kind, the parser may fail to parse it (it is a
    placeholder) but must not answer "unexpected status".
    """
    from piwik_pro_api.errors import UnexpectedStatus

    pkg, path, method, status = case
    doc = fixed_docs()[pkg]
    module = _roundtrip.endpoint_module(pkg, method, path)
    response_obj = resolve(doc, doc["paths"][path][method]["responses"][status])
    content = (response_obj or {}).get("content") or {}
    body, media = b"", "application/octet-stream"
    examples = list(media_examples(doc, content))
    if examples:
        media, body = examples[0][0], json.dumps(examples[0][2]).encode()
    elif content:
        media = next(iter(content))
        body = b"{}" if is_json(media) else b""
    code = int(status) if status.isdigit() else (int(status[0]) * 100 if status[0].isdigit() else 599)
    response = httpx.Response(code, content=body, headers={"content-type": media})
    try:
        module._parse_response(client=_roundtrip.ParserClient(), response=response)
    except UnexpectedStatus:
        pytest.fail(f"{pkg} {method.upper()} {path}: no parser for documented response {status}")
    except Exception:
        pass


def test_fixes_lose_no_example() -> None:
    """The fixed docs hold every JSON example the raw docs hold (none dropped by a fix)."""
    if not docs_source():
        pytest.skip(_NO_DOCS)
    from piwik_pro_spec.docs import fetch_available

    raw = {pkg: json.loads(data) for pkg, data in fetch_available(docs_source())[0].items()}
    for pkg, doc in fixed_docs().items():
        before = sum(1 for _ in response_examples(pkg, raw[pkg]))
        after = sum(1 for _ in response_examples(pkg, doc))
        assert after == before, f"{pkg}: {before} JSON response examples in the raw doc, {after} after fixes"
        before_req = sum(1 for _ in request_examples(pkg, raw[pkg]))
        after_req = sum(1 for _ in request_examples(pkg, doc))
        assert after_req == before_req, f"{pkg}: {before_req} request examples in the raw doc, {after_req} after fixes"

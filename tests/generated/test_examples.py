"""Every JSON example in the docs parses into a typed model that gives the example back.

Responses: each example is fed, as an httpx.Response with its status and media
type, to the generated endpoint's `_parse_response`; the result must be an
attrs model (or a list of them), never None or a bare dict, and `to_dict()`
must give back the example's content (see `_examples.same` for the exact
comparison). Request bodies: each example goes through the body model's
`from_dict`/`to_dict` the same way. The endpoint module is found through
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
    same,
)


def _params(kind: str) -> list[Any]:
    if not docs_source():
        return [pytest.param(None, id="no-docs", marks=pytest.mark.skip(reason=_NO_DOCS))]
    collect = response_examples if kind == "response" else request_examples
    return [pytest.param(e, id=e.id) for pkg, doc in fixed_docs().items() for e in collect(pkg, doc)]


class _Client:
    """The least ClientLike a parser needs: no HTTP, unexpected statuses raise."""

    raise_on_unexpected_status = True

    def get_httpx_client(self) -> httpx.Client:  # pragma: no cover - parsers never call it
        raise AssertionError("a parser must not make requests")

    def get_async_httpx_client(self) -> httpx.AsyncClient:  # pragma: no cover
        raise AssertionError("a parser must not make requests")


def _path_key(path: str) -> str:
    # The index spells path parameters as the generator does ({userId} -> {user_id}).
    return re.sub(r"{[^{}]*}", "{}", path)


@cache
def _operations() -> dict[tuple[str, str, str], dict[str, Any]]:
    from piwik_pro_api._index import OPERATIONS

    return {(op["doc"], op["method"].upper(), _path_key(op["path"])): op for op in OPERATIONS}


def _operation(doc: str, method: str, path: str) -> dict[str, Any]:
    found = _operations().get((doc, method.upper(), _path_key(path)))
    assert found is not None, f"no generated operation for {doc} {method.upper()} {path} in piwik_pro_api._index"
    return found


def _module(doc: str, method: str, path: str) -> ModuleType:
    return importlib.import_module(_operation(doc, method, path)["module"])


def _is_model(value: Any) -> bool:
    return attrs.has(type(value)) and hasattr(value, "to_dict")


def _to_plain(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [item.to_dict() for item in parsed]
    return parsed.to_dict()


def _check_typed(parsed: Any, example: Example) -> None:
    assert parsed is not None, f"{example.id}: parsed to None"
    assert not isinstance(parsed, dict), f"{example.id}: parsed to a bare dict, not a model"
    if isinstance(parsed, list):
        bad = [type(item).__name__ for item in parsed if not _is_model(item)]
        assert not bad, f"{example.id}: list items are not models: {bad[:3]}"
    else:
        assert _is_model(parsed), f"{example.id}: parsed to {type(parsed).__name__}, not a model"


@pytest.mark.parametrize("example", _params("response"))
def test_response_example_parses_to_typed_model(example: Example) -> None:
    module = _module(example.doc, example.method, example.path)
    status = int(example.status) if example.status.isdigit() else 200
    response = httpx.Response(
        status, content=json.dumps(example.value).encode(), headers={"content-type": example.media}
    )
    parsed = module._parse_response(client=_Client(), response=response)
    _check_typed(parsed, example)
    problem = same(example.value, _to_plain(parsed))
    assert problem is None, f"{example.id}: to_dict() does not give the example back: {problem}"


def _body_types(example: Example) -> list[type]:
    """The classes a request body may be: the body model, or each member of a union body."""
    body = _operation(example.doc, example.method, example.path).get("body")
    assert body, f"{example.id}: the generated operation takes no body"
    models = importlib.import_module(f"piwik_pro_api.{example.doc}.models")
    spelled = str(body.get("type") or body.get("model") or "")
    is_list = spelled.startswith("list[") and spelled.endswith("]")
    names = [n.strip() for n in (spelled[5:-1] if is_list else spelled).split("|")]
    classes = [getattr(models, n) for n in names if n and n not in ("None", "Unset")]
    assert classes, f"{example.id}: body type {spelled!r} names no model"
    return [list, *classes] if is_list else classes


def _parse_body(classes: list[type], value: Any) -> Any:
    """Like the generated union parsers: the first member whose from_dict accepts the value."""
    if classes[0] is list:
        assert isinstance(value, list)
        return [_parse_body(classes[1:], item) for item in value]
    errors: list[str] = []
    for cls in classes:
        try:
            return cls.from_dict(value)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            errors.append(f"{cls.__name__}: {exc!r:.100}")
    raise AssertionError("no body model accepts the example: " + "; ".join(errors[:5]))


@pytest.mark.parametrize("example", _params("request"))
def test_request_example_parses_to_body_model(example: Example) -> None:
    parsed = _parse_body(_body_types(example), example.value)
    _check_typed(parsed, example)
    problem = same(example.value, _to_plain(parsed))
    assert problem is None, f"{example.id}: to_dict() does not give the example back: {problem}"


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
    module = _module(pkg, method, path)
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
        module._parse_response(client=_Client(), response=response)
    except UnexpectedStatus:
        pytest.fail(f"{pkg} {method.upper()} {path}: no parser for documented response {status}")
    except Exception:
        pass


def test_fixes_lose_no_example() -> None:
    """The fixed docs hold every JSON example the raw docs hold (none dropped by a fix)."""
    if not docs_source():
        pytest.skip(_NO_DOCS)
    from piwik_pro_spec.download import fetch_docs, resolve_source
    from piwik_pro_spec.sources import load_sources

    raw = {pkg: json.loads(data) for pkg, data in fetch_docs(load_sources(), resolve_source(docs_source())).items()}
    for pkg, doc in fixed_docs().items():
        before = sum(1 for _ in response_examples(pkg, raw[pkg]))
        after = sum(1 for _ in response_examples(pkg, doc))
        assert after == before, f"{pkg}: {before} JSON response examples in the raw doc, {after} after fixes"
        before_req = sum(1 for _ in request_examples(pkg, raw[pkg]))
        after_req = sum(1 for _ in request_examples(pkg, doc))
        assert after_req == before_req, f"{pkg}: {before_req} request examples in the raw doc, {after_req} after fixes"

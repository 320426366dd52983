"""Check one JSON example against the generated code: it parses into a typed model that gives it back.

Shared by test_examples.py (in process) and the member-order test (in a subprocess over a
package generated into a temp folder): `python -m tests.generated._roundtrip SOURCE [PACKAGE...]`
prints {"response": [n, failures], "request": [n, failures]} as JSON.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from functools import cache
from types import ModuleType
from typing import Any

import attrs
import httpx

from ._examples import Example, request_examples, response_examples, same


class ParserClient:
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


def operation(doc: str, method: str, path: str) -> dict[str, Any]:
    found = _operations().get((doc, method.upper(), _path_key(path)))
    assert found is not None, f"no generated operation for {doc} {method.upper()} {path} in piwik_pro_api._index"
    return found


def endpoint_module(doc: str, method: str, path: str) -> ModuleType:
    return importlib.import_module(operation(doc, method, path)["module"])


def _is_model(value: Any) -> bool:
    return attrs.has(type(value)) and hasattr(value, "to_dict")


def _to_plain(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [item.to_dict() for item in parsed]
    return parsed.to_dict()


def _typed_problem(parsed: Any) -> str | None:
    if parsed is None:
        return "parsed to None"
    if isinstance(parsed, dict):
        return "parsed to a bare dict, not a model"
    if isinstance(parsed, list):
        bad = [type(item).__name__ for item in parsed if not _is_model(item)]
        return f"list items are not models: {bad[:3]}" if bad else None
    return None if _is_model(parsed) else f"parsed to {type(parsed).__name__}, not a model"


def parse_response_example(example: Example) -> Any:
    """The example fed, as an httpx.Response with its status and media type, to the endpoint's parser."""
    module = endpoint_module(example.doc, example.method, example.path)
    status = int(example.status) if example.status.isdigit() else 200
    response = httpx.Response(
        status, content=json.dumps(example.value).encode(), headers={"content-type": example.media}
    )
    return module._parse_response(client=ParserClient(), response=response)


def parse_request_example(example: Example) -> Any:
    """The example built into the operation's body by the endpoint's own generated `parse_body`."""
    module = endpoint_module(example.doc, example.method, example.path)
    parse_body = getattr(module, "parse_body", None)
    if parse_body is None:  # code generated before parse_body existed: the stock rule, first member that accepts
        return _first_accepting(_body_types(example), example.value)
    return parse_body(example.value)


def _body_types(example: Example) -> list[Any]:
    body = operation(example.doc, example.method, example.path).get("body")
    assert body, f"{example.id}: the generated operation takes no body"
    models = importlib.import_module(f"piwik_pro_api.{example.doc}.models")
    spelled = str(body.get("type") or body.get("model") or "")
    is_list = spelled.startswith("list[") and spelled.endswith("]")
    names = [n.strip() for n in (spelled[5:-1] if is_list else spelled).split("|")]
    classes = [getattr(models, n) for n in names if n and n not in ("None", "Unset")]
    return [list, *classes] if is_list else classes


def _first_accepting(classes: list[Any], value: Any) -> Any:
    if classes[0] is list:
        return [_first_accepting(classes[1:], item) for item in value]
    for cls in classes:
        try:
            return cls.from_dict(value)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
    raise ValueError("no body model accepts the example")


def problem(example: Example) -> str | None:
    """None when the example parses into typed models whose to_dict() is the example exactly."""
    try:
        parsed = parse_request_example(example) if not example.status else parse_response_example(example)
    except Exception as exc:  # the report names it; the test fails on it
        return f"does not parse: {type(exc).__name__}: {exc}"[:400]
    typed = _typed_problem(parsed)
    if typed:
        return typed
    diff = same(example.value, _to_plain(parsed))
    return None if diff is None else f"to_dict() does not give the example back: {diff}"


def run(source: str, only: list[str] | None = None) -> dict[str, tuple[int, list[str]]]:
    from piwik_pro_spec.docs import load_fixed_docs

    out: dict[str, tuple[int, list[str]]] = {}
    docs = load_fixed_docs(source, only=only)
    for kind, collect in (("response", response_examples), ("request", request_examples)):
        examples = [e for pkg, doc in docs.items() for e in collect(pkg, doc)]
        failures = [f"{e.id}: {p}" for e in examples for p in [problem(e)] if p]
        out[kind] = (len(examples), failures)
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2:] or None)))

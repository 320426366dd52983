"""Collect the docs' JSON examples and compare round-tripped values (shared by the tests here).

What counts as an example (this is how 2025-01 gives 319 response examples):
- a media type object's `example`, and each `examples{}` entry's `value`
  (entries given as `$ref` to components/examples are resolved);
- only on JSON media types (`application/json`, `*+json`): text/plain, CSV
  and NDJSON bodies are not parsed into models;
- responses given as `$ref` to components/responses count once per use;
- schema-level `example`s are NOT counted: they illustrate one field (often
  a fragment or a placeholder), not a whole body the API sends.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from dateutil.parser import isoparse

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def docs_source() -> str | None:
    """PIWIK_PRO_DOCS_SOURCE, relative folders taken from the repo root (as CI sets it), or None."""
    from tests.conftest import resolve_docs_source

    return resolve_docs_source()


@cache
def fixed_docs() -> dict[str, dict[str, Any]]:
    from piwik_pro_spec.docs import load_fixed_docs

    return load_fixed_docs(docs_source())


def is_json(media: str) -> bool:
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def resolve(doc: dict[str, Any], node: Any) -> Any:
    for _ in range(16):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = doc
        for token in node["$ref"][2:].split("/"):
            target = target.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        node = target
    return node


@dataclass(frozen=True)
class Example:
    doc: str
    method: str
    path: str
    status: str  # "" for a request body
    media: str
    name: str
    value: Any

    @property
    def id(self) -> str:
        where = f"response {self.status}" if self.status else "request"
        return f"{self.doc}:{self.method.upper()} {self.path}:{where}:{self.name}"


def media_examples(doc: dict[str, Any], content: Any) -> Iterator[tuple[str, str, Any]]:
    """(media, example name, value) for every JSON example of a content map."""
    if not isinstance(content, dict):
        return
    for media, media_obj in content.items():
        if not (is_json(media) and isinstance(media_obj, dict)):
            continue
        if "example" in media_obj:
            yield media, "example", media_obj["example"]
        for name, entry in (media_obj.get("examples") or {}).items():
            entry = resolve(doc, entry)
            if isinstance(entry, dict) and "value" in entry:
                yield media, str(name), entry["value"]


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                yield path, method, op


def response_examples(package: str, doc: dict[str, Any]) -> Iterator[Example]:
    for path, method, op in operations(doc):
        for status, response in (op.get("responses") or {}).items():
            response = resolve(doc, response)
            if isinstance(response, dict):
                for media, name, value in media_examples(doc, response.get("content")):
                    yield Example(package, method, path, str(status), media, name, value)


def request_examples(package: str, doc: dict[str, Any]) -> Iterator[Example]:
    for path, method, op in operations(doc):
        body = resolve(doc, op.get("requestBody"))
        if isinstance(body, dict):
            for media, name, value in media_examples(doc, body.get("content")):
                yield Example(package, method, path, "", media, name, value)


# --- comparing what to_dict() gives back with the example -----------------------------------------


def same(example: Any, got: Any, where: str = "$") -> str | None:
    """None if `got` (from to_dict()) gives back `example`, else where and how they differ.

    Equality is exact (no key dropped or added, same JSON types, bool never
    equal to int) with two normalisations, both of representation only:
    - date-times: a string that parses as an ISO 8601 date-time equals another
      that parses to the same instant (to_dict() writes `isoformat()`, so
      `2020-03-19T21:49:36Z` comes back as `2020-03-19T21:49:36+00:00`);
    - UUIDs: compared as UUIDs (to_dict() writes lower case);
    - numbers: an integral float equals the int (`1.0` and `1`), as in JSON.
    """
    if isinstance(example, dict):
        if not isinstance(got, dict):
            return f"{where}: expected an object, got {type(got).__name__}"
        missing = sorted(set(example) - set(got))
        extra = sorted(set(got) - set(example))
        if missing or extra:
            return f"{where}: keys missing {missing}, extra {extra}"
        for key in example:
            problem = same(example[key], got[key], f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(example, list):
        if not isinstance(got, list) or len(got) != len(example):
            return f"{where}: expected a list of {len(example)}, got {got!r:.80}"
        for i, (a, b) in enumerate(zip(example, got, strict=True)):
            problem = same(a, b, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(example, bool) or isinstance(got, bool) or example is None or got is None:
        return None if example is got else f"{where}: expected {example!r}, got {got!r}"
    if isinstance(example, int | float) and isinstance(got, int | float):
        return None if example == got else f"{where}: expected {example!r}, got {got!r}"
    if (
        isinstance(example, str)
        and isinstance(got, str)
        and (example == got or _same_datetime(example, got) or _same_uuid(example, got))
    ):
        return None
    return f"{where}: expected {example!r:.80}, got {got!r:.80}"


def _same_datetime(a: str, b: str) -> bool:
    if len(a) < 10 or len(b) < 10:
        return False
    try:
        x, y = isoparse(a), isoparse(b)
    except (ValueError, OverflowError):
        return False
    if (x.tzinfo is None) != (y.tzinfo is None):
        return False
    if len(a) == 10 and len(b) == 10:
        return x.date() == y.date()
    return x == y if x.tzinfo else x.replace(tzinfo=dt.UTC) == y.replace(tzinfo=dt.UTC)


def _same_uuid(a: str, b: str) -> bool:
    try:
        return uuid.UUID(a) == uuid.UUID(b)
    except ValueError:
        return False

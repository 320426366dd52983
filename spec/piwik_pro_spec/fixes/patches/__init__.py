"""Per-doc patches: data, for the few defects no general rule describes.

Each `<package>.py` module here may define:
- `OPERATION_NAMES = {"METHOD /path": "name"}`: names for operations the naming
  rules name badly (read by the operation-names rule);
- `SCHEMA_PATCHES = [(json_pointer, {key: value, ...}, why)]`: keys set on the
  schema (or other object) at that pointer, applied as rule "patch:<package>".
  A value of `None` deletes the key. A pointer that does not resolve is
  reported as a fix that could not apply (so a doc change is noticed).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from .._walk import Record, unescape

NAME = "doc-patches"


def _module(package: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{__name__}.{package}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{package}":
            return None
        raise


def operation_names(package: str) -> dict[str, str]:
    module = _module(package)
    return dict(getattr(module, "OPERATION_NAMES", {})) if module else {}


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    module = _module(package)
    if module is None:
        return
    for pointer, changes, why in getattr(module, "SCHEMA_PATCHES", []):
        target: Any = doc
        path: list[str | int] = []
        for token in pointer.lstrip("/").split("/") if pointer else []:
            key: str | int = unescape(token)
            if isinstance(target, list):
                key = int(key)
                target = target[key] if key < len(target) else None
            else:
                target = target.get(key) if isinstance(target, dict) else None
            path.append(key)
            if target is None:
                break
        if not isinstance(target, dict):
            record(tuple(path), f"NOT APPLIED (pointer does not resolve): {why}")
            continue
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        record(tuple(path), why)

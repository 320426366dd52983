"""Declare path parameters that a path template uses but no operation declares.

`DELETE /api/users/v2/{userId}` without a `userId` parameter cannot be
generated. The missing parameter is declared on the operation, `required`,
with the schema (and description) of a parameter of the same name declared
elsewhere in the doc (same path first), else `type: string`. Declared path
parameters missing `required: true` get it. A template spelling a declared
parameter differently (`{appId}` for `app_id`) keeps its spelling and the
declaration follows it; a declared path parameter the path does not use is
removed.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ._walk import Record, operations, resolve

NAME = "undeclared-path-params"

_TEMPLATE = re.compile(r"{([^{}]+)}")


def _path_params(doc: dict[str, Any], params: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for param in params or []:
        target = resolve(doc, param)
        if isinstance(target, dict) and target.get("in") == "path" and isinstance(target.get("name"), str):
            found[target["name"]] = target
    return found


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _align_declarations(doc: dict[str, Any], record: Record) -> None:
    """`/tag/v1/{appId}` with `app_id` declared: the declaration takes the template's spelling.

    The template is the URL the doc publishes, so its spelling is the fact the
    lock and the change report follow (`appId` -> `app_id` between releases is
    a rename). A declared path parameter the template does not use at all is
    removed.
    """
    paths = doc.get("paths") or {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        used = _TEMPLATE.findall(path)
        holders = [(("paths", path), item)] + [
            (("paths", path, m), op) for _, m, op in operations({"paths": {path: item}})
        ]
        declared: set[str] = set()
        for _, holder in holders:
            declared |= set(_path_params(doc, holder.get("parameters")))
        renames: dict[str, str] = {}
        for name in used:
            if name in declared:
                continue
            matches = [d for d in sorted(declared) if _norm(d) == _norm(name) and d not in used]
            if len(matches) == 1:
                renames[matches[0]] = name
        for where, holder in holders:
            params = holder.get("parameters")
            if not isinstance(params, list):
                continue
            keep = []
            for param in params:
                target = resolve(doc, param)
                name = target.get("name") if isinstance(target, dict) else None
                if isinstance(target, dict) and target.get("in") == "path" and name in renames:
                    # a copy: a shared $ref'd declaration may be spelled right elsewhere
                    param = {**copy.deepcopy(target), "name": renames[name]}
                    record(
                        (*where, "parameters"),
                        f"path parameter {name!r} -> {renames[name]!r} (the template's spelling)",
                    )
                elif isinstance(target, dict) and target.get("in") == "path" and name not in used:
                    record((*where, "parameters"), f"removed path parameter {name!r}: not in the path")
                    continue
                keep.append(param)
            holder["parameters"] = keep


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    if isinstance(doc.get("paths"), dict):
        _align_declarations(doc, record)
    paths = doc.get("paths") or {}
    # Known declarations, by name: same path first, then anywhere in the doc.
    by_path: dict[str, dict[str, dict[str, Any]]] = {}
    anywhere: dict[str, dict[str, Any]] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        known = dict(_path_params(doc, item.get("parameters")))
        for _, _, op in operations({"paths": {path: item}}):
            for name, param in _path_params(doc, op.get("parameters")).items():
                known.setdefault(name, param)
        by_path[path] = known
        for name, param in known.items():
            anywhere.setdefault(name, param)

    for path, method, op in operations(doc):
        item = paths[path]
        declared = _path_params(doc, item.get("parameters"))
        declared.update(_path_params(doc, op.get("parameters")))
        for name, param in declared.items():
            if param.get("required") is not True:
                param["required"] = True
                record(("paths", path, method), f"path parameter {name!r} marked required")
        for name in _TEMPLATE.findall(path):
            if name in declared:
                continue
            source = by_path.get(path, {}).get(name) or anywhere.get(name)
            param: dict[str, Any] = {"name": name, "in": "path", "required": True}
            if source is not None:
                if "description" in source:
                    param["description"] = source["description"]
                param["schema"] = copy.deepcopy(source.get("schema") or {"type": "string"})
                origin = "schema of its sibling declaration"
            else:
                param["schema"] = {"type": "string"}
                origin = "type string"
            op.setdefault("parameters", []).append(param)
            record(("paths", path, method, "parameters"), f"declared path parameter {name!r} ({origin})")

"""Hoist structurally identical inline schemas into one component.

Piwik PRO's docs repeat the same nested object inline in every create / edit /
get variant and every error response of every operation; openapi-python-client
writes one model module per place (the tags doc alone gave ~3000 modules).
Inline object and enum schemas that are structurally identical (same
properties, types, required lists, enums, formats, constraints, defaults;
descriptions, titles and examples do not count) become one component, and every
place refers to it. An inline schema identical to an existing component refers
to that component; `{"allOf": [{"$ref": X}]}` alone is X. Left in place: a
request body itself and each member of a body union (callers build them by
name, `<Operation>Body`), `allOf` members and enum members of unions (other
rules and the generator read them in place); what is inside them is merged.

Names, never from the doc's order: a title all places share, else the longest
common tail of their generated names (`errors_item`, `data_relationships`);
when that says nothing (`item`, `body`, `response_400`), the shortest own name
of a place (`template` over `filter[template]`) or what it holds
(`response_errors`); when taken, the tail of the first place (places sorted by
name) grows until free. Rounds repeat until nothing is left to merge: a merged
parent leaves one copy of its children, which may then match others. Components
are then ordered after the ones they refer to (the generator builds them
in order). The fix report has one line per place merged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._walk import Path, Record, pointer, schema_roots, unescape
from .model_names import class_name

NAME = "merge-models"

# Keywords that only document a schema; two schemas differing only in these generate the same code.
_PROSE = frozenset(("description", "title", "example", "examples", "externalDocs", "summary"))
_SCHEMA_DICTS = frozenset(("properties", "patternProperties"))
_SCHEMA_LISTS = frozenset(("allOf", "oneOf", "anyOf", "prefixItems"))
_SCHEMA_SINGLE = frozenset(("items", "additionalProperties", "not", "contains"))
_GENERIC_TAILS = frozenset(("item", "additional_property"))  # with "body" and "response_*": not a name
_PREFIX = "#/components/schemas/"
# The generator's name part for a single sub-schema (`<parent>_item`, `<parent>_additional_property`).
_SINGLE_NAMES = {"items": "item", "additionalProperties": "additional_property"}


def _is_model(node: dict[str, Any]) -> bool:
    """A schema the generator writes a class for: an object model or an enum (not nullable: see apply)."""
    if "$ref" in node or node.get("nullable") or node.get("oneOf") or node.get("anyOf"):
        return False
    if isinstance(node.get("enum"), list):
        return node.get("type") in ("string", "integer", None)
    return node.get("type") == "object" or "properties" in node or "allOf" in node


@dataclass
class _Place:
    node: dict[str, Any]
    path: Path
    holder: Any  # the dict or list holding the node, and its key there
    key: str | int
    names: tuple[str, ...]  # the generated-name parts leading to it


@dataclass
class _Scan:
    ids: dict[str, int] = field(default_factory=dict)
    groups: dict[int, list[_Place]] = field(default_factory=dict)
    components: dict[int, list[str]] = field(default_factory=dict)

    def intern(self, value: Any) -> int:
        """The same id for equal JSON values (schemas: their parts, children already replaced by ids)."""
        return self.ids.setdefault(json.dumps(value, sort_keys=True, default=str), len(self.ids))


def _walk(
    scan: _Scan,
    node: Any,
    path: Path,
    names: tuple[str, ...],
    holder: Any,
    key: str | int,
    place: bool = True,
    body: bool = False,
) -> int:
    """Shape id of `node`, equal for structurally identical schemas (computed bottom-up, once per node).

    Records every model schema under `node` (itself too, if `place`) as a place.
    `body`: `node` is a request body, whose union members are bodies too (kept in place).
    """
    if not isinstance(node, dict):
        return scan.intern(node)
    parts: dict[str, Any] = {}
    for sub_key, value in node.items():
        if sub_key in _PROSE:
            continue
        if sub_key in _SCHEMA_DICTS and isinstance(value, dict):
            parts[sub_key] = {
                name: _walk(scan, child, (*path, sub_key, name), (*names, str(name)), value, name)
                for name, child in value.items()
            }
        elif sub_key in _SCHEMA_LISTS and isinstance(value, list):
            members = []
            for i, child in enumerate(value):
                title = child.get("title") if isinstance(child, dict) else None
                sub_names = (*names, str(title)) if isinstance(title, str) and title else names
                # allOf members stay inline: the generator rebuilds a referenced member's inline models;
                # enum members of a union too: union rules read their values in place.
                keep = sub_key == "allOf" or body or (isinstance(child, dict) and "enum" in child)
                members.append(_walk(scan, child, (*path, sub_key, i), sub_names, value, i, place=not keep))
            parts[sub_key] = members
        elif sub_key in _SCHEMA_SINGLE and isinstance(value, dict):
            tail = _SINGLE_NAMES.get(sub_key, sub_key)
            parts[sub_key] = _walk(scan, value, (*path, sub_key), (*names, tail), node, sub_key)
        elif sub_key == "required" and isinstance(value, list):
            parts[sub_key] = sorted(map(str, value))
        else:
            parts[sub_key] = value
    shape = scan.intern(parts)
    if place and _is_model(node):
        scan.groups.setdefault(shape, []).append(_Place(node, path, holder, key, names))
    return shape


def _root_names(doc: dict[str, Any], path: Path) -> tuple[str, ...]:
    """Generated-name parts of a schema root: (operation, "body" | "response_200" | parameter name)."""
    if path[:2] == ("components", "schemas"):
        return (str(path[2]),)
    if path[0] == "paths" and len(path) > 3:
        op = (doc["paths"].get(path[1]) or {}).get(path[2])
        op_name = str(op.get("operationId") or f"{path[2]}_{path[1]}") if isinstance(op, dict) else str(path[1])
        if path[3] == "requestBody":
            return (op_name, "body")
        if path[3] == "responses":
            return (op_name, f"response_{path[4]}")
        if path[3] == "parameters":
            param = op["parameters"][path[4]] if isinstance(op, dict) else {}
            return (op_name, str(param.get("name")))
    return tuple(str(p) for p in path[1:3] if not isinstance(p, int))


def _holder(doc: dict[str, Any], path: Path) -> tuple[Any, str | int]:
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


def _scan(doc: dict[str, Any]) -> _Scan:
    scan = _Scan()
    for root, path in list(schema_roots(doc)):
        holder, key = _holder(doc, path)
        names = _root_names(doc, path)
        is_component = path[:2] == ("components", "schemas")
        # A request body keeps its own model: callers build it by name (`<Operation>Body`).
        is_body = "requestBody" in path or path[:2] == ("components", "requestBodies")
        shape = _walk(scan, root, path, names, holder, key, place=not (is_component or is_body), body=is_body)
        if is_component:  # a target, never replaced
            scan.components.setdefault(shape, []).append(str(path[2]))
    return scan


def _common_tail(name_lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    shortest = min(len(n) for n in name_lists)
    tail: list[str] = []
    for i in range(1, shortest + 1):
        parts = {n[-i] for n in name_lists}
        if len(parts) != 1:
            break
        tail.insert(0, parts.pop())
    return tuple(tail)


def _descriptive(part: str) -> bool:
    return part not in _GENERIC_TAILS and part != "body" and not part.startswith("response_")


def _kind(names: list[tuple[str, ...]]) -> list[str]:
    """What the places are, when they are all bodies or all responses: ["body"], ["response_200"], ["response"]."""
    lasts = {n[-1] for n in names if n}
    if len(lasts) == 1 and not _descriptive(next(iter(lasts))):
        return [lasts.pop()]
    return ["response"] if all(part.startswith("response_") for part in lasts) else []


def _contents(node: dict[str, Any]) -> list[str]:
    """Up to three property names (or enum values), sorted: what the schema holds."""
    props = node.get("properties")
    values = sorted(map(str, props)) if isinstance(props, dict) else sorted(map(str, node.get("enum") or []))
    return values[:3]


class _Names:
    """Component names and class names already taken in the doc."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.keys = set(schemas)
        self.classes = {class_name(str(s.get("title") or k) if isinstance(s, dict) else k) for k, s in schemas.items()}

    def free(self, name: str) -> bool:
        return bool(name) and name not in self.keys and class_name(name) not in self.classes

    def take(self, name: str) -> None:
        self.keys.add(name)
        self.classes.add(class_name(name))

    def choose(self, places: list[_Place]) -> str:
        names = sorted(p.names for p in places)
        titles = {p.node.get("title") for p in places}
        candidates: list[str] = []
        title = titles.pop() if len(titles) == 1 else None
        if isinstance(title, str) and title.strip():
            candidates.append(title.strip())
        tail = list(_common_tail(names))
        if not any(_descriptive(part) for part in tail):
            # Nothing telling in common: the shortest own name of a place (`template` over
            # `filter[template]`), or, when the places are only "body" / "response_400", what they hold.
            own = sorted({n[-1] for n in names if n and _descriptive(n[-1])}, key=lambda part: (len(part), part))
            candidates += own[:1]
            candidates.append("_".join([*_kind(names), *_contents(places[0].node)]))
        first = names[0]
        while len(tail) < len(first) and not any(_descriptive(part) for part in tail):
            tail.insert(0, first[-len(tail) - 1])
        candidates.append("_".join(tail))
        for size in range(len(tail) + 1, len(first) + 1):
            candidates.append("_".join(first[-size:]))
        candidates += [f"{candidates[-1]}_{n}" for n in range(2, 1000)]
        for candidate in map(class_name, candidates):
            if self.free(candidate):
                self.take(candidate)
                return candidate
        raise RuntimeError(f"no free component name for {candidates[0]}")  # pragma: no cover


def _wrapped_component(node: dict[str, Any]) -> str | None:
    """X for `{"allOf": [{"$ref": "#/components/schemas/X"}]}` (prose aside): that wrapper is X.

    As a component, openapi-python-client rebuilds X's inline models for the
    wrapper and drops both ("duplicate models"); referring to X is the same type.
    """
    members = node.get("allOf")
    if node.get("type", "object") != "object" or set(node) - _PROSE - {"type"} != {"allOf"}:
        return None
    if not isinstance(members, list) or len(members) != 1:
        return None
    ref = members[0].get("$ref") if isinstance(members[0], dict) else None
    if not (isinstance(ref, str) and ref.startswith(_PREFIX)) or set(members[0]) != {"$ref"}:
        return None
    return unescape(ref[len(_PREFIX) :])


def _refs(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            out.append(unescape(ref[len(_PREFIX) :]))
        for key, value in node.items():
            if key not in _PROSE and key not in ("default", "enum"):
                _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)


def _dependencies_first(schemas: dict[str, Any]) -> None:
    """Put every component after the components it refers to (stable; cycles keep their order).

    The generator builds components in order; one referring to a later component
    fails its first attempt after registering its inline models, and the retry
    then drops it for "duplicate models". Merged components are added at the end.
    """
    order: dict[str, None] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in visiting or name not in schemas:
            return
        visiting.add(name)
        refs: list[str] = []
        _refs(schemas[name], refs)
        for dep in refs:
            visit(dep)
        order[name] = None

    for name in list(schemas):
        visit(name)
    items = [(name, schemas.pop(name)) for name in order]
    schemas.update(items)


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    names = _Names(schemas)
    merged = False
    for _ in range(64):
        scan = _scan(doc)
        merges: list[tuple[str, list[_Place], bool]] = []
        for shape, places in scan.groups.items():
            targets = sorted(scan.components.get(shape, []))
            wrapped = _wrapped_component(places[0].node)
            if wrapped is not None:
                merges.append((wrapped, places, False))
            elif targets and places:
                merges.append((targets[0], places, False))
            elif len(places) >= 2:
                merges.append(("", places, True))
        if not merges:
            if merged:
                _dependencies_first(schemas)
            return
        # Outermost first (a merged parent leaves one copy of its children, merged next round);
        # deterministic whatever the doc's order: then by the places' names and JSON pointers.
        merges.sort(key=lambda m: min((len(p.path), p.names, pointer(p.path)) for p in m[1]))
        replaced: set[Path] = set()
        for target, places, new in merges:
            places = sorted(places, key=lambda p: (len(p.path), pointer(p.path)))
            # Only the outermost copies this round: a merged parent keeps one copy of its children.
            places = [p for p in places if not any(p.path[:i] in replaced for i in range(len(p.path)))]
            if not places or (new and len(places) < 2):
                continue
            if new:
                target = names.choose(places)
                component = dict(places[0].node)
                component.pop("title", None)
                schemas[target] = component
            ref = _PREFIX + target.replace("~", "~0").replace("/", "~1")
            for place in places:
                place.holder[place.key] = {"$ref": ref}
                replaced.add(place.path)
                merged = True
                others = len(places) - 1 if new else len(places)
                record(place.path, f"structurally identical to {others} other(s): merged into {ref}")
    raise RuntimeError("merge-models did not settle after 64 rounds")  # pragma: no cover

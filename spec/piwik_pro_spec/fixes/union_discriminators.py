"""Union members that share a discriminating property listing every value get the values that name them.

The Tag Manager tag bodies are a union of ~40 object variants, one per tag
template, and every variant's `template` property lists all ~37 templates. So
nothing tells the variants apart: a "custom_tag" body fits the "Custom popup"
variant as well as the "Custom tag" one. Where every member of a union has the
same property (at the same place, e.g. `data.attributes.template`) with the
same string enum, each member's copy of that enum is narrowed to the values
its title names ("Custom popup" -> `custom_popup`, "Hotjar tag" -> `hot_jar`,
"Piwik PRO Custom Event tag" -> `piwik_event`), so the value picks the variant.

Matching is by words: each member takes the values whose words best match its
title (ties keep all of them). The rule changes nothing unless every member
matches some value and every value is taken by some member: a value no
variant would accept any more, or a variant no value reaches, would make a
valid body invalid, which is worse than an undecided union.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Path, Record, Visitor, resolve

NAME = "union-discriminators"

_MAX_DEPTH = 3  # data -> attributes -> template
_EXACT = 2.0  # the title spells the value (any real word overlap scores at most 1)
_NOISE = frozenset(("tag", "the", "a", "an", "of"))


def _words(text: str) -> list[str]:
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text)  # "[DEPRECATED]", "(asynchronous)"
    # A/B -> ab: single letters joined by "/" are one word.
    text = re.sub(r"\b(\w)/(\w)\b", r"\1\2", text)
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _NOISE]


def _score(title: list[str], value: list[str]) -> float:
    """How well a member title's words name an enum value's words (0: not at all)."""
    if not title or not value:
        return 0.0
    if "".join(title) == "".join(value):  # "Hotjar" ~ hot_jar, "SALESmanago" ~ sales_manago
        return _EXACT
    matched = sum(1 for v in value if any(t == v or (min(len(t), len(v)) >= 3 and v.startswith(t)) for t in title))
    return matched / (len(set(title) | set(value)))


def _enum_leaves(doc: dict[str, Any], schema: Any, prefix: tuple[str, ...], depth: int) -> dict[tuple[str, ...], Any]:
    """{property path: property schema} of string-enum properties reachable through `properties`."""
    schema = resolve(doc, schema)
    out: dict[tuple[str, ...], Any] = {}
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return out
    for name, prop in (schema.get("properties") or {}).items():
        target = resolve(doc, prop)
        if not isinstance(target, dict):
            continue
        enum = target.get("enum")
        if isinstance(enum, list) and len(enum) > 1 and all(isinstance(v, str) for v in enum):
            out[(*prefix, name)] = target
        else:
            out.update(_enum_leaves(doc, target, (*prefix, name), depth + 1))
    return out


def _holder(doc: dict[str, Any], member: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    """The `properties` dict that holds the last key of `path` in `member`; None if shared through a `$ref`."""
    node = resolve(doc, member)
    for key in path[:-1]:
        child = node["properties"][key]
        if isinstance(child, dict) and "$ref" in child:
            return None  # a schema other places use: narrowing it here would narrow them too
        node = child
    props: dict[str, Any] = node["properties"]
    return props


def _title(doc: dict[str, Any], member: Any) -> str:
    target = resolve(doc, member)
    title = target.get("title") if isinstance(target, dict) else None
    if isinstance(title, str):
        return title
    ref = member.get("$ref") if isinstance(member, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""


def _assign(titles: list[list[str]], values: list[str]) -> list[list[str]] | None:
    """Each member's values, or None when some member or some value would be left without a match.

    A value a title spells exactly ("Bing Ads" for `bing_ads`) belongs to that member only; the
    other members choose among the values no title spells ("Google Ads ..." -> `google_adwords`).
    """
    words = {v: _words(v.replace("_", " ")) for v in values}
    scores = [{v: _score(title, words[v]) for v in values} for title in titles]
    spelled = {v for s in scores for v, x in s.items() if x >= _EXACT}
    chosen: list[list[str]] = []
    for score in scores:
        exact = [v for v in values if score[v] >= _EXACT]
        if exact:
            chosen.append(exact)
            continue
        open_values = {v: x for v, x in score.items() if v not in spelled} or score
        best = max(open_values.values())
        if best <= 0:
            return None
        chosen.append([v for v in values if open_values.get(v) == best])
    if {v for c in chosen for v in c} != set(values):
        return None
    return chosen


def visitor(doc: dict[str, Any], package: str, record: Record) -> Visitor:
    def visit(schema: dict[str, Any], path: Path) -> None:
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list) or len(members) < 3:
                continue
            leaves = [_enum_leaves(doc, m, (), 0) for m in members]
            shared = [
                p
                for p in sorted(set(leaves[0]).intersection(*leaves[1:]))
                if all(sorted(leaf[p]["enum"]) == sorted(leaves[0][p]["enum"]) for leaf in leaves)
            ]
            titles = [_words(_title(doc, m)) for m in members]
            for prop_path in shared:
                values = list(leaves[0][prop_path]["enum"])
                chosen = _assign(titles, values)
                if chosen is None:
                    continue
                holders = [_holder(doc, m, prop_path) for m in members]
                if any(h is None for h in holders):
                    continue
                for holder, leaf, mine in zip(holders, leaves, chosen, strict=True):
                    # A copy: the property's schema may be shared with other members or other places.
                    holder[prop_path[-1]] = {**leaf[prop_path], "enum": mine}  # type: ignore[index]
                dotted = ".".join(prop_path)
                record((*path, key), f"{len(members)} members: `{dotted}` narrowed to the values each title names")
                return

    return visit

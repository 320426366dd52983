"""Stable, readable operation names: `list_tags`, `get_tag`, `update_user`, ...

Names are a public API (they become module and function names), so they are
derived, not invented, and the same doc always gives the same names:

1. An operationId that already reads as a call (`set_app_permission_for_user_v2`,
   `add_meta_site_v1`) is kept, snake_cased, without `api_` noise and without
   its `_vN` suffix (a `list_` of one noun gets the plural: `list_meta_sites`).
2. Otherwise the name comes from the method and the path after the version
   segment: `GET /tags` -> `list_tags`, `GET /tags/{tag_id}` -> `get_tag`,
   `POST /tags` -> `create_tag`, `PATCH|PUT .../{id}` -> `update_<thing>`,
   `DELETE .../{id}` -> `delete_<thing>`, `POST /tags/{tag_id}/copy` ->
   `copy_tag`, `GET /versions/draft` -> `get_draft_version`, and a nested
   collection names its parent: `GET /tags/{tag_id}/triggers` -> `list_tag_triggers`.
3. Per-doc patches (fixes/patches/) name the few operations these rules name badly.
4. Names are unique within a doc: a clash is resolved by adding the nearest
   path word that tells the operations apart, then a number.
"""

from __future__ import annotations

import re
from typing import Any

from ._walk import Record, operations

NAME = "operation-names"

# Words that make a name read as a call when they come first.
VERBS = {
    "list", "get", "create", "add", "update", "edit", "set", "delete", "remove", "copy", "test", "count",
    "check", "change", "invite", "activate", "deactivate", "publish", "restore", "import", "export",
    "snapshot", "send", "execute", "fetch", "track", "stream", "move", "enable", "disable", "reset",
    "upload", "download", "search", "validate", "preview", "assign", "unassign", "grant", "revoke",
    "accept", "reject", "approve", "cancel", "start", "stop", "run", "archive", "query",
}  # fmt: skip
# HTTP verbs are not readable on their own: `post_audience` says nothing `create_audience` does not.
_HTTP_ONLY = {"post", "put", "patch"}
_PREFIXES = {"legacy", "deprecated"}
# Path words that qualify the collection before them: /versions/draft, /annotation/user.
QUALIFIERS = {"draft", "published", "global", "excluded", "user", "system", "me", "current", "integrity", "url"}
_NOISE = {"api", "manage"}
_PREPOSITIONS = {"for", "in", "with", "and", "from", "by", "of", "to", "on"}
_VERSION = re.compile(r"^v\d+$")
_UNCOUNTABLE = {"analytics", "access", "status", "changelog", "alias", "address"}


def snake(value: str) -> str:
    value = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    return re.sub(r"[^a-zA-Z0-9]+", "_", value).strip("_").lower()


def singular(word: str) -> str:
    if word in _UNCOUNTABLE or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


def plural(word: str) -> str:
    if word in _UNCOUNTABLE or word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def readable(operation_id: str) -> str | None:
    """The normalised id if it reads as a call, else None."""
    words = [w for w in snake(operation_id).split("_") if w and w != "api"]
    while words and _VERSION.match(words[-1]):
        words.pop()
    if not words:
        return None
    first = 1 if words[0] in _PREFIXES and len(words) > 1 else 0
    if words[first] in VERBS and words[first] not in _HTTP_ONLY and len(words) > first + 1:
        last = words[-1]
        # `list_meta_site` lists meta sites; `list_apps_in_meta_site` is already right.
        if words[first] == "list" and not set(words) & _PREPOSITIONS and not last.endswith(("s", "ed")):
            words[-1] = plural(last)
        return "_".join(words)
    return None


def _segments(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    versions = [i for i, p in enumerate(parts) if _VERSION.match(p)]
    if versions:
        tail = parts[versions[-1] + 1 :]
        if not any(not _is_param(p) for p in tail):
            tail = parts[versions[-1] - 1 : versions[-1]] + tail  # /api/users/v2/{userId}
    else:
        tail = parts
    return [p for p in tail if p.lower() not in _NOISE]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _words(segment: str) -> list[str]:
    return [w for w in snake(segment.strip("{}")).split("_") if w]


def derive(method: str, path: str) -> str:
    """A readable name from the method and the path (see the module docstring)."""
    segs = _segments(path)
    if not segs:
        return method.lower()
    params = [i for i, s in enumerate(segs) if _is_param(s)]
    last = segs[-1]
    nouns = [s for s in segs if not _is_param(s)]

    def noun_before(index: int) -> tuple[str, int]:
        for j in range(index - 1, -1, -1):
            if not _is_param(segs[j]):
                return "_".join(_words(segs[j])), j
        return "", -1

    def resource(index: int) -> str:
        """Singular name of the thing at segs[index] (a noun, or a qualifier of the noun before it)."""
        word = "_".join(_words(segs[index]))
        if word in QUALIFIERS:
            before, _ = noun_before(index)
            return f"{word}_{singular(before)}" if before else word
        return singular(word)

    def parent(index: int) -> str:
        """The item a nested collection hangs off: tags/{tag_id}/triggers -> tag (not the app scope)."""
        if index >= 1 and _is_param(segs[index - 1]) and params and params[0] != index - 1:
            before, _ = noun_before(index - 1)
            return singular(before) + "_" if before else ""
        return ""

    m = method.lower()
    if _is_param(last):
        noun, j = noun_before(len(segs) - 1)
        thing = resource(j) if j >= 0 else singular(noun)
        verb = {"get": "get", "put": "update", "patch": "update", "delete": "delete", "post": "create"}.get(m, m)
        return f"{verb}_{thing}"
    words = _words(last)
    if words and words[0] in VERBS and len(nouns) > 1:
        _, j = noun_before(len(segs) - 1)
        target = resource(j) if j >= 0 else ""
        return "_".join([words[0], *(target.split("_") if target else []), *words[1:]])
    if words and words[0] in VERBS and len(nouns) == 1:
        return "_".join(words)
    name = "_".join(words)
    index = len(segs) - 1
    if name in QUALIFIERS:
        before, _ = noun_before(index)
        if m == "get" and name in ("draft", "published", "me", "current", "global", "url", "integrity"):
            return f"get_{name}_{singular(before)}" if before else f"get_{name}"
        coll = f"{name}_{before}" if before else name
    else:
        coll = parent(index) + name
    if m == "get":
        return f"list_{plural(coll) if coll.split('_')[-1] not in _UNCOUNTABLE else coll}"
    verb = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}.get(m, m)
    if verb == "create":
        return f"create_{singular(coll)}"
    return f"{verb}_{coll}"


def apply(doc: dict[str, Any], package: str, record: Record) -> None:
    from .patches import operation_names  # per-doc names, data only

    patched = operation_names(package)
    chosen: list[tuple[str, str, dict[str, Any], str, str]] = []
    for path, method, op in operations(doc):
        original = op.get("operationId")
        key = f"{method.upper()} {path}"
        if key in patched:
            name, why = patched[key], "per-doc name"
        elif isinstance(original, str) and readable(original):
            name, why = str(readable(original)), "kept, normalised"
        else:
            name, why = derive(method, path), "derived from method and path"
        chosen.append((path, method, op, name, why))
    counts: dict[str, int] = {}
    for *_, name, _ in chosen:
        counts[name] = counts.get(name, 0) + 1
    taken: set[str] = {name for *_, name, _ in chosen if counts[name] == 1}
    for path, method, op, name, why in chosen:
        if counts[name] > 1:
            name = _disambiguate(name, path, taken)
            why += ", made unique"
        taken.add(name)
        original = op.get("operationId")
        if original != name:
            op["operationId"] = name
            was = f"{original!r}" if original else "none"
            record(("paths", path, method, "operationId"), f"operationId {was} -> {name!r} ({why})")


def _disambiguate(name: str, path: str, taken: set[str]) -> str:
    """Add the path word nearest the end (scope parameters count, without `_id`) that the name lacks."""
    verb, _, rest = name.partition("_")
    have = set(rest.split("_"))
    segments = _segments(path)
    if segments and _is_param(segments[-1]):
        segments = segments[:-1]  # the item's own id tells nothing apart
    for segment in reversed(segments):
        words = [w for w in _words(segment) if w != "id"]
        word = "_".join(singular(w) for w in words)
        if not word or set(word.split("_")) <= have or words[-1] in have:
            continue
        candidate = f"{verb}_{word}_{rest}" if rest else f"{verb}_{word}"
        if candidate not in taken:
            return candidate
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"

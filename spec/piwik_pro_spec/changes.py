"""What changed between two locks, and what of it breaks code calling the generated client.

`compare(old_lock, new_lock)` matches docs by package and operations in
three steps:

1. the same "METHOD /path": the same operation;
2. the same method and path shape (path parameters blanked: `/a/{}/b`):
   the same operation whose path parameters were renamed;
3. the same generated name at another path: the same function, moved
   ("operation-moved"; breaking when the move comes with breaking changes
   to the operation, which are listed after it).

What is left over is removed (breaking) or added. An operation is
"renamed" when it matched in step 1 or 2 but its generated name changed
(breaking: the function's import path changes).

Breaking means: code that calls the regenerated client the way it called
the old one can fail (an import, a keyword argument, a required argument,
a model attribute or an accepted value went away). Additions are not
breaking, except new *required* parameters and body fields.

Kinds (breaking ones marked !):
  doc-added, doc-removed!, doc-updated (prose only), doc-file-changed,
  spec-version-changed, pipeline-changed, lock-format-changed;
  operation-added, operation-removed!, operation-renamed!,
  operation-module-moved! (new `api.<tag>`), operation-moved (! with breaking changes);
  parameter-added (! if required), parameter-removed!, parameter-renamed!,
  parameter-now-required!, parameter-type-changed (! unless it widens);
  body-added (! if required), body-removed!, body-now-required!,
  body-field-added (! if required), body-field-removed!, body-field-now-required!,
  body-field-type-changed (! unless it widens);
  response-added, response-removed (! for 2xx), response-type-changed (! unless it narrows),
  response-field-added, response-field-removed!, response-field-now-optional!,
  response-field-type-changed (! unless it narrows);
  content-type-added, content-type-changed!;
  enum-values-added, enum-values-removed! (for a new enum: ! on inputs only),
  enum-dropped!;
  model-removed! (a class `piwik_pro_api.<package>.models` no longer exports: renamed,
  merged or gone), model-added. These come from the generator run (`compare_models`),
  after the doc comparison: the same fields can be generated under other class names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

_PATH_PARAM = re.compile(r"{[^}]*}")


@dataclass(frozen=True)
class Change:
    doc: str  # package, e.g. "tag_manager_tags"
    kind: str  # e.g. "doc-added", "operation-removed", "parameter-renamed"
    breaking: bool
    message: str  # one line, names operations by their generated names
    operation: str | None = None  # generated name, when the change is about one operation


@dataclass
class ChangeReport:
    changes: list[Change] = field(default_factory=list)
    removed_docs: list[str] = field(default_factory=list)  # packages gone (or empty) in the new lock

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def has_breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def summary(self) -> str:
        if self.is_empty:
            return "No changes: the docs match the lock."
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        parts = [
            f"{counts.get('doc-added', 0)} docs added",
            f"{counts.get('doc-removed', 0)} removed",
            f"{counts.get('operation-added', 0)} operations added",
            f"{counts.get('operation-removed', 0)} removed",
            f"{len(self.breaking)} breaking of {len(self.changes)} changes",
        ]
        return ", ".join(parts) + "."

    def _by_doc(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.doc, []).append(change)
        return grouped

    def to_text(self) -> str:
        """For the terminal: a summary line, then each doc's changes by operation, breaking ones first."""
        if self.is_empty:
            return self.summary() + "\n"
        lines = [self.summary()]
        for doc, changes in self._by_doc().items():
            lines.append("")
            lines.append(doc)
            for change in _by_operation(changes):
                mark = "BREAKING" if change.breaking else "        "
                lines.append(f"  {mark}  {change.message}")
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """For a pull request or changelog: breaking changes first, then the rest, by doc."""
        lines = ["## API changes", ""]
        if self.is_empty:
            return "\n".join([*lines, self.summary(), ""])
        lines += [self.summary(), ""]
        for title, wanted in (("Breaking changes", True), ("Other changes", False)):
            selected = [c for c in self.changes if c.breaking is wanted]
            if not selected:
                continue
            lines += [f"### {title}", ""]
            grouped: dict[str, list[Change]] = {}
            for change in selected:
                grouped.setdefault(change.doc, []).append(change)
            for doc, changes in grouped.items():
                lines.append(f"**`{doc}`**")
                lines.append("")
                lines += _markdown_items(changes)
                lines.append("")
        return "\n".join(lines)

    def to_json(self) -> str:
        """For tools: {is_empty, has_breaking, removed_docs, summary, changes: [{doc, kind, breaking, operation, message}]}."""
        payload = {
            "is_empty": self.is_empty,
            "has_breaking": self.has_breaking,
            "removed_docs": self.removed_docs,
            "summary": self.summary(),
            "changes": [asdict(c) for c in self.changes],
        }
        return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def _by_operation(changes: list[Change]) -> list[Change]:
    """Doc-level changes first, then each operation's changes together; operations with breaking ones first."""
    groups: dict[str | None, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.operation, []).append(change)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is not None, not any(c.breaking for c in kv[1])))
    return [change for _, group in ordered for change in group]


def _markdown_items(changes: list[Change]) -> list[str]:
    """Bullets; an operation with several changes gets one bullet and a sub-bullet per change."""
    per_operation: dict[str | None, list[Change]] = {}
    for change in changes:
        per_operation.setdefault(change.operation, []).append(change)
    items: list[str] = []
    for operation, group in per_operation.items():
        if operation is None or len(group) == 1:
            items += [f"- {_markdown_message(c.message)}" for c in group]
            continue
        items.append(f"- `{operation}`")
        for c in group:
            text = c.message
            for prefix in (f"`{operation}`: ", f"`{operation}` "):
                if text.startswith(prefix):
                    text = text[len(prefix) :]
                    break
            items.append(f"  - {_markdown_message(text)}")
    return items


def _markdown_message(message: str) -> str:
    # Names and paths are written `like this` in messages already; escape stray markdown.
    return message.replace("*", r"\*").replace("_", r"\_") if "`" not in message else message


# ---------------------------------------------------------------- comparison


def compare(old_lock: dict[str, Any] | None, new_lock: dict[str, Any], *, missing: Iterable[str] = ()) -> ChangeReport:
    """The changes from `old_lock` (None: no lock yet, every doc is new) to `new_lock`.

    `missing`: packages whose doc disappeared upstream (404 or empty) but whose
    old lock entry the pipeline kept in `new_lock` (no `--allow-removals`):
    they are reported as removed all the same.
    """
    report = ChangeReport()
    gone = set(missing)
    out = report.changes
    old_docs: dict[str, Any] = (old_lock or {}).get("docs") or {}
    new_docs: dict[str, Any] = new_lock.get("docs") or {}

    if old_lock is not None:
        old_pipeline, new_pipeline = old_lock.get("pipeline") or {}, new_lock.get("pipeline") or {}
        if old_pipeline != new_pipeline:
            what = ", ".join(
                f"{k}: {old_pipeline.get(k)} -> {new_pipeline.get(k)}"
                for k in sorted(set(old_pipeline) | set(new_pipeline))
                if old_pipeline.get(k) != new_pipeline.get(k) and k != "fingerprint"
            )
            detail = what or "generator config, templates or fixes changed"
            out.append(
                Change(
                    "(pipeline)", "pipeline-changed", False, f"pipeline changed ({detail}); generated code may differ"
                )
            )

    if old_lock is not None and old_lock.get("format") != new_lock.get("format"):
        out.append(
            Change(
                "(lock)",
                "lock-format-changed",
                False,
                f"lock format {old_lock.get('format')} -> {new_lock.get('format')}: "
                "inventories not compared; the next regenerate rewrites the lock",
            )
        )
        return report

    for package in sorted(set(old_docs) | set(new_docs)):
        old, new = old_docs.get(package), new_docs.get(package)
        old_ops = (old or {}).get("operations") or {}
        new_ops = (new or {}).get("operations") or {}
        if old is None:
            file = (new or {}).get("file")
            out.append(Change(package, "doc-added", False, f"doc added: `{file}` ({_ops(len(new_ops))})"))
            continue
        if new is None or package in gone or (not new_ops and old_ops):
            why = (
                "is missing upstream"
                if package in gone
                else "removed from the docs"
                if new is None
                else "came back with no operations"
            )
            out.append(
                Change(
                    package,
                    "doc-removed",
                    True,
                    f"doc removed: `{old['file']}` {why} ({_ops(len(old_ops))} of `piwik_pro_api.{package}` gone)",
                )
            )
            report.removed_docs.append(package)
            continue
        _compare_doc(package, old, new, out)
    return report


def compare_models(old_lock: dict[str, Any] | None, new_lock: dict[str, Any]) -> list[Change]:
    """Model classes a doc's package stopped or started exporting, where both locks name them.

    A rename breaks code that imports the class by name, even when every field is as it
    was (the doc comparison sees fields, not class names); dict bodies and attribute
    access on results are not affected, and the message says so.
    """
    out: list[Change] = []
    old_docs: dict[str, Any] = (old_lock or {}).get("docs") or {}
    for package, new in sorted((new_lock.get("docs") or {}).items()):
        old = old_docs.get(package)
        if not isinstance(old, dict) or "models" not in old or "models" not in new:
            continue
        was, now = set(old["models"]), set(new["models"])
        if gone := sorted(was - now):
            out.append(
                Change(
                    package,
                    "model-removed",
                    True,
                    f"{_classes(gone)} no longer in `piwik_pro_api.{package}.models` (renamed, merged or removed): "
                    "imports by name fail; dict bodies and attributes of results are unaffected",
                )
            )
        if came := sorted(now - was):
            out.append(
                Change(package, "model-added", False, f"{_classes(came)} added to `piwik_pro_api.{package}.models`")
            )
    return out


def _classes(names: list[str]) -> str:
    return ("model " if len(names) == 1 else f"{len(names)} models ") + ", ".join(f"`{n}`" for n in names)


def _ops(n: int) -> str:
    return f"{n} operation" + ("" if n == 1 else "s")


def _shape(key: str) -> str:
    return _PATH_PARAM.sub("{}", key)


def _compare_doc(package: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    start = len(out)
    if old.get("file") != new.get("file"):
        out.append(
            Change(
                package,
                "doc-file-changed",
                False,
                f"doc renamed upstream: `{old.get('file')}` -> `{new.get('file')}` (same package)",
            )
        )
    if old.get("spec") != new.get("spec"):
        out.append(
            Change(package, "spec-version-changed", False, f"spec version {old.get('spec')} -> {new.get('spec')}")
        )

    old_ops: dict[str, Any] = old.get("operations") or {}
    new_ops: dict[str, Any] = new.get("operations") or {}
    pairs: list[tuple[str, str]] = [(k, k) for k in old_ops if k in new_ops]
    old_left = [k for k in old_ops if k not in new_ops]
    new_left = [k for k in new_ops if k not in old_ops]

    def match(key_of: Any) -> None:
        for old_key in list(old_left):
            candidates = [n for n in new_left if key_of(n, new_ops[n]) == key_of(old_key, old_ops[old_key])]
            if len(candidates) == 1:
                pairs.append((old_key, candidates[0]))
                old_left.remove(old_key)
                new_left.remove(candidates[0])

    match(lambda key, _op: _shape(key))
    match(lambda _key, op: op.get("name"))

    for old_key in old_left:
        op = old_ops[old_key]
        out.append(Change(package, "operation-removed", True, f"`{op['name']}` removed ({old_key})", op["name"]))
    for new_key in new_left:
        op = new_ops[new_key]
        out.append(Change(package, "operation-added", False, f"`{op['name']}` added ({new_key})", op["name"]))
    for old_key, new_key in sorted(pairs, key=lambda p: p[1]):
        _compare_operation(package, old_key, old_ops[old_key], new_key, new_ops[new_key], out)

    if len(out) == start and old.get("sha256") != new.get("sha256"):
        out.append(
            Change(package, "doc-updated", False, "doc content changed; operations, parameters and fields are the same")
        )


def _compare_operation(
    package: str, old_key: str, old: dict[str, Any], new_key: str, new: dict[str, Any], out: list[Change]
) -> None:
    name = new["name"]

    def add(kind: str, breaking: bool, message: str) -> None:
        out.append(Change(package, kind, breaking, f"`{name}`: {message}", name))

    if old.get("name") != name:
        out.append(
            Change(
                package,
                "operation-renamed",
                True,
                f"`{old.get('name')}` renamed to `{name}` ({new_key})",
                name,
            )
        )
    if old.get("tag") != new.get("tag"):
        add("operation-module-moved", True, f"moved from `api.{old.get('tag')}` to `api.{new.get('tag')}`")
    if old_key != new_key and _shape(old_key) != _shape(new_key):
        moved = len(out)
        out.append(Change(package, "operation-moved", False, f"`{name}` moved: {old_key} -> {new_key}", name))
    else:
        moved = None

    _compare_parameters(old.get("parameters") or {}, new.get("parameters") or {}, add)
    _compare_body(old.get("body"), new.get("body"), add)
    _compare_responses(old.get("responses") or {}, new.get("responses") or {}, add)
    if moved is not None and any(c.breaking for c in out[moved + 1 :]):
        # A moved endpoint whose call changes too: flag the move, so it heads the breaking list.
        out[moved] = Change(package, "operation-moved", True, out[moved].message, name)


def _describe_param(key: str) -> str:
    where, _, wire = key.partition(" ")
    return f"{where} parameter `{wire}`"


def _compare_parameters(old: dict[str, Any], new: dict[str, Any], add: Any) -> None:
    removed = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    renames: list[tuple[str, str]] = []
    for old_key in list(removed):
        where = old_key.partition(" ")[0]
        candidates = [
            k
            for k in added
            if k.partition(" ")[0] == where
            and (
                (where == "path" and new[k].get("position") == old[old_key].get("position"))
                or new[k].get("python_name") == old[old_key].get("python_name")
            )
        ]
        if len(candidates) == 1:
            renames.append((old_key, candidates[0]))
            removed.remove(old_key)
            added.remove(candidates[0])

    for key in removed:
        add("parameter-removed", True, f"{_describe_param(key)} removed (keyword argument `{old[key]['python_name']}`)")
    for key in added:
        required = bool(new[key].get("required"))
        how = "required" if required else "optional"
        add(
            "parameter-added",
            required,
            f"{how} {_describe_param(key)} added (keyword argument `{new[key]['python_name']}`)",
        )
    for old_key, new_key in renames:
        old_py, new_py = old[old_key]["python_name"], new[new_key]["python_name"]
        # Breaking either way: the keyword argument changes, or (when snake_case
        # maps both spellings alike, as `appId` and `app_id`) the doc's name stops
        # working where callers use it: `name=value` in `piwik-pro call`, and
        # the parameter names in `piwik_pro_api._index`.
        old_wire, new_wire = old_key.partition(" ")[2], new_key.partition(" ")[2]
        keyword = (
            f"keyword argument `{old_py}` -> `{new_py}`"
            if old_py != new_py
            else f"Python keyword stays `{new_py}`; the name `{old_wire}` no longer works in `piwik-pro call`"
        )
        add("parameter-renamed", True, f"{_describe_param(old_key)} renamed to `{new_wire}` ({keyword})")
    retyped: dict[tuple[str, str, str], list[str]] = {}
    for old_key, new_key in [(k, k) for k in old if k in new] + renames:
        _compare_fact(f"{_describe_param(new_key)}", old[old_key], new[new_key], "parameter", add, types=False)
        was, now = str(old[old_key].get("type")), str(new[new_key].get("type"))
        if was != now:
            retyped.setdefault((new_key.partition(" ")[0], was, now), []).append(new_key.partition(" ")[2])
        if old_key == new_key and old[old_key]["python_name"] != new[new_key]["python_name"]:
            # same parameter, new keyword (the generator resolved a name clash differently)
            add(
                "parameter-renamed",
                True,
                f"{_describe_param(new_key)}: keyword argument `{old[old_key]['python_name']}` -> "
                f"`{new[new_key]['python_name']}`",
            )
    for (where, was, now), names in retyped.items():
        plural = "s" if len(names) > 1 else ""
        listed = ", ".join(f"`{n}`" for n in sorted(names))
        add(
            "parameter-type-changed",
            not _accepts_more(was, now),
            f"{where} parameter{plural} {listed} type `{was}` -> `{now}`",
        )


def _accepts_more(was: str, now: str) -> bool:
    """`now` takes every value `was` took (`str` -> `UUID|str`, anything -> `Any`)."""
    return now == "Any" or set(was.split("|")) <= set(now.split("|"))


def _compare_fact(what: str, old: dict[str, Any], new: dict[str, Any], noun: str, add: Any, types: bool = True) -> None:
    """Required flag, type and enum values of one parameter or field."""
    if not old.get("required") and new.get("required"):
        if noun == "response-field":  # callers receive less variety (no Unset): nothing they do breaks
            add("response-field-now-required", False, f"{what} is now always present")
        else:
            add(f"{noun}-now-required", True, f"{what} is now required")
    if old.get("required") and not new.get("required") and noun == "response-field":
        add("response-field-now-optional", True, f"{what} is no longer always present")
    if types and old.get("type") != new.get("type"):
        was, now = str(old.get("type")), str(new.get("type"))
        add(f"{noun}-type-changed", _type_change_breaks(noun, was, now), f"{what} type `{was}` -> `{now}`")
    old_enum, new_enum = old.get("enum"), new.get("enum")
    # Enums become generated Enum classes: a removed value is a removed member,
    # whether callers send it or compare a response against it.
    if old_enum is not None and new_enum is not None:
        gone = [v for v in old_enum if v not in new_enum]
        came = [v for v in new_enum if v not in old_enum]
        if gone:
            add("enum-values-removed", True, f"{what} no longer accepts {_values(gone)}")
        if came:
            add("enum-values-added", False, f"{what} also accepts {_values(came)}")
    elif old_enum is not None and new_enum is None:
        add("enum-dropped", True, f"{what} is no longer an enum (its generated Enum class goes away)")
    elif old_enum is None and new_enum is not None:
        # Sent values must now be Enum members; received ones are still strings to callers.
        add("enum-values-removed", noun != "response-field", f"{what} is now restricted to {_values(new_enum)}")


def _type_change_breaks(noun: str, was: str, now: str) -> bool:
    """Inputs may widen (callers' old values still fit); responses may narrow (old readers still cope)."""
    if noun == "response-field":
        return not _accepts_more(now, was)
    return not _accepts_more(was, now)


def _values(values: list[Any]) -> str:
    shown = ", ".join(json.dumps(v) for v in values[:8])
    return shown + (f" (+{len(values) - 8} more)" if len(values) > 8 else "")


def _compare_content_types(what: str, old: list[str], new: list[str], add: Any) -> None:
    gone = [t for t in old if t not in new]
    came = [t for t in new if t not in old]
    if gone:
        add("content-type-changed", True, f"{what} content type {_listed(old)} -> {_listed(new) or 'none'}")
    elif came:
        add("content-type-added", False, f"{what} also accepts content type {_listed(came)}")


def _listed(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _compare_fields(where: str, noun: str, old: dict[str, Any], new: dict[str, Any], add: Any) -> None:
    for path in old:
        if path not in new and not _under_only_in(path, old, new):
            add(f"{noun}-removed", True, f"{where} field `{path}` removed")
    for path in new:
        if path not in old and not _under_only_in(path, new, old):
            required = bool(new[path].get("required")) and noun == "body-field"
            how = "required " if required else ""
            add(f"{noun}-added", required, f"{how}{where} field `{path}` added")
    retyped: dict[tuple[str, str], list[str]] = {}
    for path in old:
        if path in new:
            _compare_fact(f"{where} field `{path}`", old[path], new[path], noun, add, types=False)
            if old[path].get("type") != new[path].get("type"):
                retyped.setdefault((str(old[path].get("type")), str(new[path].get("type"))), []).append(path)
    # One line per type change, not per field: a doc that adds `format: uuid`
    # to every id would otherwise bury the report.
    for (was, now), paths in retyped.items():
        fields = ", ".join(f"`{p}`" for p in paths[:6]) + (f" (+{len(paths) - 6} more)" if len(paths) > 6 else "")
        plural = "s" if len(paths) > 1 else ""
        add(
            f"{noun}-type-changed",
            _type_change_breaks(noun, was, now),
            f"{where} field{plural} {fields} type `{was}` -> `{now}`",
        )


def _parent(path: str) -> str | None:
    cut = max(path.rfind("."), path.rfind("[]"))
    return path[:cut] if cut > 0 else None


def _under_only_in(path: str, side: dict[str, Any], other: dict[str, Any]) -> bool:
    """A field under a field that only `side` has (already reported): one change, not one per descendant."""
    parent = _parent(path)
    while parent is not None:
        if parent in side and parent not in other:
            return True
        parent = _parent(parent)
    return False


def _compare_body(old: dict[str, Any] | None, new: dict[str, Any] | None, add: Any) -> None:
    if old is None and new is None:
        return
    if old is None:
        assert new is not None
        required = bool(new.get("required"))
        add("body-added", required, f"{'required' if required else 'optional'} request body added")
        return
    if new is None:
        add("body-removed", True, "request body removed (argument `body`)")
        return
    if not old.get("required") and new.get("required"):
        add("body-now-required", True, "request body is now required")
    _compare_content_types("request body", old.get("content_types") or [], new.get("content_types") or [], add)
    _compare_fields("body", "body-field", old.get("fields") or {}, new.get("fields") or {}, add)


def _compare_responses(old: dict[str, Any], new: dict[str, Any], add: Any) -> None:
    for status in old:
        if status not in new:
            success = status.startswith("2")
            add("response-removed", success, f"response {status} removed")
    for status in new:
        if status not in old:
            add("response-added", False, f"response {status} added")
    for status in old:
        if status not in new:
            continue
        o, n = old[status], new[status]
        _compare_content_types(f"response {status}", o.get("content_types") or [], n.get("content_types") or [], add)
        if status.startswith("2"):
            if o.get("type") != n.get("type") and o.get("type") is not None:
                was, now = str(o.get("type")), str(n.get("type"))
                breaks = _type_change_breaks("response-field", was, now)
                add("response-type-changed", breaks, f"response {status} type `{was}` -> `{now}`")
            _compare_fields(f"response {status}", "response-field", o.get("fields") or {}, n.get("fields") or {}, add)

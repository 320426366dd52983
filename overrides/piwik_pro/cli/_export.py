"""`piwik-pro export postman|postman-env|openapi`: the fixed docs for Postman, Insomnia, Bruno and friends."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _catalog, _output
from ._errors import OK, UsageError

if TYPE_CHECKING:
    from piwik_pro.sandbox import SandboxDocs


def _load_docs(source: str | None) -> SandboxDocs:
    try:
        from piwik_pro_spec.download import DownloadError

        from piwik_pro.sandbox import SandboxDocs
    except ImportError as exc:
        raise UsageError(f"export needs the 'sandbox' extra ({exc}): pip install 'piwik-pro-client[sandbox]'") from None
    try:
        return SandboxDocs.load(source)
    except DownloadError as exc:
        raise UsageError(f"{exc} (pass --docs DIR|URL or set PIWIK_PRO_DOCS_SOURCE)") from None


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """package -> accessor and package -> title, from the generated index when there is one."""
    try:
        found = _catalog.docs()
    except UsageError:  # not generated: fall back to the doc package names
        return {}, {}
    return {d.package: d.accessor for d in found}, {d.package: d.title for d in found}


def _packages(docs: SandboxDocs, apis: list[str], accessors: dict[str, str]) -> list[str]:
    """The doc packages the API words name (a package, an accessor or a prefix of either); all when none."""
    if not apis:
        return sorted(docs.docs)
    chosen: set[str] = set()
    for api in apis:
        wanted = api.strip().lower()
        hits = {
            p
            for p in docs.docs
            for name in (p, accessors.get(p, p))
            if wanted == name or name.startswith(wanted + ".") or name.startswith(wanted + "_")
        }
        if not hits:
            known = ", ".join(sorted(accessors.get(p, p) for p in docs.docs))
            raise UsageError(f"unknown API {api!r} (these docs have: {known})")
        chosen |= hits
    return sorted(chosen)


def _write(text: str, output: str | None, what: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(output).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {what} to {path}: {exc.strerror}") from None
    _output.note(f"wrote {what} to {path}")


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _base_url(args: argparse.Namespace) -> str:
    from ._postman import DEFAULT_BASE_URL

    return str(args.base_url or os.environ.get("PIWIK_PRO_HOST") or DEFAULT_BASE_URL).rstrip("/")


def cmd_export(args: argparse.Namespace) -> int:
    from . import _postman

    if args.format == "postman-env":
        if args.apis:
            raise UsageError("export postman-env takes no API names (the environment fits every API)")
        client_id = args.client_id or os.environ.get("PIWIK_PRO_CLIENT_ID") or ""
        _write(_dump(_postman.environment(_base_url(args), client_id)), args.output, "the Postman environment")
        _output.note("set clientSecret in Postman (it is never written to the file)")
        return OK
    docs = _load_docs(args.docs)
    accessors, titles = _names()
    packages = _packages(docs, list(args.apis), accessors)
    if args.format == "postman":
        built = _postman.collection(docs, packages, accessors=accessors, titles=titles, base_url=_base_url(args))
        _write(_dump(built), args.output, "the Postman collection")
        return OK
    # openapi: one fixed doc per file, for Postman's, Insomnia's or Bruno's own import.
    folder = Path(args.output or "piwik-pro-openapi").expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for package in packages:
            (folder / f"{package}.json").write_text(_dump(docs.docs[package]), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the OpenAPI docs to {folder}: {exc.strerror}") from None
    _output.note(f"wrote {len(packages)} OpenAPI 3 doc(s) to {folder}")
    return OK

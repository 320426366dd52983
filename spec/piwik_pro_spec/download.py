"""Fetch the exported docs: from Piwik PRO's site, a mirror folder or a loopback server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import httpx

from .sources import DocSource

SOURCE_ENV = "PIWIK_PRO_DOCS_SOURCE"
# Connect fails fast when offline; reads allow for a slow docs site.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Statuses that mean "the doc is gone", as opposed to "the server is broken".
_GONE = {404, 410}

# Called once per doc as it arrives: (doc, bytes or None when the doc is missing).
Progress = Callable[[DocSource, "bytes | None"], None]


class DownloadError(Exception):
    """A doc could not be fetched; the message names the doc and the fix."""


def resolve_source(cli_value: str | None = None) -> str | None:
    """`--source` wins over env PIWIK_PRO_DOCS_SOURCE; None means the published URLs."""
    return cli_value or os.environ.get(SOURCE_ENV) or None


def describe_source(source: str | None) -> str:
    return source if source is not None else "the published docs (https://developers.piwik.pro)"


def _is_remote(source: str | None) -> bool:
    return source is None or source.startswith(("http://", "https://"))


def _location(doc: DocSource, source: str | None) -> str:
    if source is None:
        return doc.url
    if _is_remote(source):
        return source.rstrip("/") + "/" + doc.file
    return str(Path(source).expanduser() / doc.file)


def fetch_docs(
    docs: Iterable[DocSource],
    source: str | None = None,
    *,
    missing_ok: bool = False,
    progress: Progress | None = None,
    found_as: dict[str, str] | None = None,
) -> dict[str, bytes | None]:
    """Return {package: raw bytes}. Raises DownloadError naming the doc and `--source`.

    A doc not found under its `file` is looked for under its `former` names
    (sources.toml), in order; `found_as` (if given) receives {package: file name
    it was read from}. With `missing_ok`, a doc that is gone (HTTP 404/410, no
    such file, under every name) or empty maps to None instead of raising:
    regenerate reports it as removed.
    """
    docs = list(docs)
    result: dict[str, bytes | None] = {}
    if not _is_remote(source) and not Path(str(source)).expanduser().is_dir():
        raise DownloadError(
            f"--source {source}: no such folder. Point --source (or {SOURCE_ENV}) at a folder "
            "or http(s) URL that holds the exported docs."
        )
    client = httpx.Client(timeout=TIMEOUT, follow_redirects=True) if _is_remote(source) else None
    try:
        for doc in docs:
            data, name = None, doc.file
            for name in (doc.file, *doc.former):
                # Only the last name may raise "missing": a former name is tried before giving up.
                last = name == (doc.former[-1] if doc.former else doc.file)
                data = _fetch_one(client, _named(doc, name), source, missing_ok or not last)
                if data is not None:
                    break
            if data is not None and found_as is not None:
                found_as[doc.package] = name
            if data is not None and not data.strip():
                if not missing_ok:
                    raise DownloadError(f"{doc.file}: {_location(doc, source)} is empty.")
                data = None
            result[doc.package] = data
            if progress is not None:
                progress(doc, data)
    finally:
        if client is not None:
            client.close()
    return result


def _named(doc: DocSource, name: str) -> DocSource:
    """The doc as published under `name` (its URL follows when it is the default one)."""
    url = doc.url[: -len(doc.file)] + name if doc.url.endswith(doc.file) else doc.url
    return replace(doc, file=name, url=url)


def _fetch_one(client: httpx.Client | None, doc: DocSource, source: str | None, missing_ok: bool) -> bytes | None:
    where = _location(doc, source)
    if client is None:
        try:
            return Path(where).read_bytes()
        except FileNotFoundError:
            if missing_ok:
                return None
            raise DownloadError(
                f"{doc.file}: not found at {where}. "
                f"Point --source (or {SOURCE_ENV}) at a folder that holds the exported docs."
            ) from None
        except OSError as exc:
            raise DownloadError(
                f"{doc.file}: cannot read {where} ({exc.strerror}). "
                f"Point --source (or {SOURCE_ENV}) at a folder or URL that holds the exported docs."
            ) from None
    try:
        response = client.get(where)
    except httpx.TransportError as exc:
        raise DownloadError(
            f"{doc.file}: cannot download {where} ({type(exc).__name__}: {exc}). Offline? "
            f"Use --source DIR|URL (or env {SOURCE_ENV}) to read the docs from a local mirror, "
            "e.g. --source ../shared/piwik-pro-api-docs/2025-01."
        ) from None
    if response.status_code in _GONE and missing_ok:
        return None
    if response.status_code != 200:
        raise DownloadError(
            f"{doc.file}: {where} answered HTTP {response.status_code}. "
            f"Check --source (or {SOURCE_ENV}); it must serve the exported docs by file name."
        )
    return response.content


def save_docs(docs: Iterable[DocSource], raw: Mapping[str, bytes | None], folder: Path) -> int:
    """Write each fetched doc to `folder`/<file name> (a mirror `--source folder` reads); returns how many.

    Each file is written whole or not at all (temp file + rename), so an
    interrupted run never leaves a truncated doc in the mirror.
    """
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"--save-docs {folder}: cannot create the folder ({exc.strerror})") from exc
    saved = 0
    for doc in docs:
        data = raw.get(doc.package)
        if data is None:
            continue
        target = folder / doc.file
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, target)
        saved += 1
    return saved

"""Fetch the exported docs: from Piwik PRO's site, a mirror folder or a loopback server."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import httpx

from .sources import DocSource

SOURCE_ENV = "PIWIK_PRO_DOCS_SOURCE"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class DownloadError(Exception):
    """A doc could not be fetched; the message names the doc and the fix."""


def resolve_source(cli_value: str | None = None) -> str | None:
    """`--source` wins over env PIWIK_PRO_DOCS_SOURCE; None means the published URLs."""
    return cli_value or os.environ.get(SOURCE_ENV) or None


def _location(doc: DocSource, source: str | None) -> str:
    if source is None:
        return doc.url
    if source.startswith(("http://", "https://")):
        return source.rstrip("/") + "/" + doc.file
    return str(Path(source).expanduser() / doc.file)


def fetch_docs(docs: Iterable[DocSource], source: str | None = None) -> dict[str, bytes]:
    """Return {package: raw bytes}. Raises DownloadError naming the doc and `--source`."""
    docs = list(docs)
    result: dict[str, bytes] = {}
    remote = source is None or source.startswith(("http://", "https://"))
    client = httpx.Client(timeout=TIMEOUT, follow_redirects=True) if remote else None
    try:
        for doc in docs:
            where = _location(doc, source)
            if client is None:
                try:
                    result[doc.package] = Path(where).read_bytes()
                except OSError as exc:
                    raise DownloadError(
                        f"{doc.file}: cannot read {where} ({exc.strerror}). "
                        f"Point --source (or {SOURCE_ENV}) at a folder or URL that holds the exported docs."
                    ) from None
                continue
            try:
                response = client.get(where)
            except httpx.TransportError as exc:
                raise DownloadError(
                    f"{doc.file}: cannot download {where} ({type(exc).__name__}). Offline? "
                    f"Use --source DIR|URL (or {SOURCE_ENV}) to read the docs from a local mirror."
                ) from None
            if response.status_code != 200:
                raise DownloadError(
                    f"{doc.file}: {where} answered HTTP {response.status_code}. "
                    f"Check --source (or {SOURCE_ENV}); it must serve the exported docs by file name."
                )
            result[doc.package] = response.content
    finally:
        if client is not None:
            client.close()
    return result

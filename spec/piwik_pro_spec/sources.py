"""spec/piwik_pro_spec/sources.toml: every exported doc, its download URL and its subpackage.

The list lives inside the package so that an installed wheel (the sandbox, the
CLI) finds it without a checkout.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

SOURCES_FILE = Path(__file__).resolve().parent / "sources.toml"


@dataclass(frozen=True)
class DocSource:
    package: str  # subpackage of piwik_pro_api
    file: str  # published file name, e.g. platform_users_authorized_api.json
    accessor: str  # dotted attribute on PiwikPro, e.g. "tag_manager.tags"
    url: str  # default download URL
    former: tuple[str, ...] = ()  # file names older releases published the doc under (tried after `file`)


def load_sources(path: Path = SOURCES_FILE) -> list[DocSource]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    base = data["base_url"]
    return [
        DocSource(
            package=name,
            file=entry["file"],
            accessor=entry["accessor"],
            url=entry.get("url", base + entry["file"]),
            former=tuple(entry.get("former", ())),
        )
        for name, entry in data["docs"].items()
    ]

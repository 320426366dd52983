"""A local emulator of the Piwik PRO API, for tests and for trying scripts offline.

    from piwik_pro.sandbox import Sandbox

    with Sandbox() as sb:          # docs from env PIWIK_PRO_DOCS_SOURCE
        print(sb.url)              # http://127.0.0.1:PORT, demo credentials demo-client-id / demo-client-secret

Needs the `sandbox` extra (jsonschema); `main` (the CLI) imports without it and says so.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._cli import main

if TYPE_CHECKING:
    from ._clock import Clock
    from ._docs import Operation, SandboxDocs
    from ._faults import Fault, Faults
    from ._sandbox import (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        TOKEN_LIFETIME,
        RecordedRequest,
        Sandbox,
        shared_docs,
    )
    from ._users import OWNER_EMAIL, OWNER_PASSWORD

_LAZY = {
    "Clock": "._clock",
    "Operation": "._docs",
    "SandboxDocs": "._docs",
    "Fault": "._faults",
    "Faults": "._faults",
    "DEMO_CLIENT_ID": "._sandbox",
    "DEMO_CLIENT_SECRET": "._sandbox",
    "TOKEN_LIFETIME": "._sandbox",
    "RecordedRequest": "._sandbox",
    "Sandbox": "._sandbox",
    "shared_docs": "._sandbox",
    "OWNER_EMAIL": "._users",
    "OWNER_PASSWORD": "._users",
}

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "OWNER_EMAIL",
    "OWNER_PASSWORD",
    "TOKEN_LIFETIME",
    "Clock",
    "Fault",
    "Faults",
    "Operation",
    "RecordedRequest",
    "Sandbox",
    "SandboxDocs",
    "main",
    "shared_docs",
]


def __getattr__(name: str) -> Any:
    # Lazy so that `piwik-pro sandbox` can explain a missing jsonschema instead of failing on import.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piwik_pro.sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value

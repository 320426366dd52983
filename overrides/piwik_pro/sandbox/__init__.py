"""A local emulator of the Piwik PRO API, for tests and for trying scripts offline.

    from piwik_pro.sandbox import Sandbox

    with Sandbox() as sb:          # docs from env PIWIK_PRO_DOCS_SOURCE
        print(sb.url)              # http://127.0.0.1:PORT, demo credentials demo-client-id / demo-client-secret

Requires the `sandbox` extra (jsonschema).
"""

from __future__ import annotations

from ._cli import main
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

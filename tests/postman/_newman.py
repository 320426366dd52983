"""Install Newman (pinned, with npm) into the tools folder, as the contract tests install Prism."""

from __future__ import annotations

from pathlib import Path

from tests._npm_tools import NpmTool, ToolError

NEWMAN_PACKAGE = "newman"
# 6.2.2 runs on Node >= 16 (the machines have Node 20).
NEWMAN_VERSION = "6.2.2"

NEWMAN = NpmTool(NEWMAN_PACKAGE, NEWMAN_VERSION, "newman", "newman", "Node.js >= 16 and npm")
# The Postman check's error is the shared installer's.
NewmanError = ToolError


def ensure_newman(prefix: Path | None = None) -> Path:
    """The newman executable, installing NEWMAN_VERSION into the tools folder first if needed."""
    return NEWMAN.ensure(prefix)

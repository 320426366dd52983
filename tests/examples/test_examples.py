"""Every examples/*.py runs against the sandbox, exits 0, and did what it says (checked on the sandbox's side)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from tests.conftest import require_docs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

pytestmark = pytest.mark.timeout(120)


def answered(sandbox: Sandbox, method: str, path: str) -> list[int | None]:
    """Statuses the sandbox answered for METHOD on paths matching `path` (a regex, {x} = one segment)."""
    pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "/?$")
    return [r.status for r in sandbox.requests if r.method == method and pattern.match(r.path)]


def check_walkthrough(out: str, sb: Sandbox) -> None:
    assert answered(sb, "POST", "/api/users/v2/invite") == [201]
    assert answered(sb, "PATCH", "/api/users/v2/{id}") == [204]
    assert answered(sb, "DELETE", "/api/users/v2/{id}") == [204]
    assert answered(sb, "GET", "/api/users/v2/{id}") == [200, 200, 404]  # get, check the language, gone
    assert "language is now de-DE" in out
    assert sb.tokens_issued == 1


def check_apps(out: str, sb: Sandbox) -> None:
    assert answered(sb, "POST", "/api/apps/v2") == [201]
    assert answered(sb, "GET", "/api/apps/v2") and set(answered(sb, "GET", "/api/apps/v2")) == {200}
    assert answered(sb, "DELETE", "/api/apps/v2/{id}") == [204]


def check_meta_sites(out: str, sb: Sandbox) -> None:
    assert answered(sb, "POST", "/api/meta-sites/v1") == [201]
    assert answered(sb, "POST", "/api/meta-sites/v1/{id}/relationships/apps") == [204]
    assert answered(sb, "GET", "/api/meta-sites/v1/{id}/apps") == [200]


def check_tag_manager(out: str, sb: Sandbox) -> None:
    assert answered(sb, "POST", "/api/tag/v1/{app}/tags") == [201]
    assert answered(sb, "POST", "/api/tag/v1/{app}/versions/draft/publish") == [202]
    assert answered(sb, "GET", "/api/tag/v1/{app}/operations/{op}")[-1] == 200
    assert "publish completed" in out


def check_analytics_query(out: str, sb: Sandbox) -> None:
    assert answered(sb, "POST", "/api/analytics/v1/query/") == [200]
    (query,) = [r for r in sb.requests if r.path.startswith("/api/analytics/v1/query")]
    assert query.content_type == "application/json"  # a plain-JSON API: not sent as JSON:API


CHECKS: dict[str, Callable[[str, Sandbox], None]] = {
    "walkthrough": check_walkthrough,
    "apps": check_apps,
    "meta_sites": check_meta_sites,
    "tag_manager": check_tag_manager,
    "analytics_query": check_analytics_query,
}


# The docs each example calls: an example is skipped, with a reason, on a release without them.
USES: dict[str, tuple[str, ...]] = {
    "walkthrough": ("users",),
    "apps": ("apps",),
    "meta_sites": ("apps", "meta_sites"),
    "tag_manager": ("tag_manager_tags", "tag_manager_versions", "tag_manager_operations"),
    "analytics_query": ("analytics",),
}


def test_every_example_has_a_check() -> None:
    assert {p.stem for p in SCRIPTS} == set(CHECKS) == set(USES)


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_runs_against_the_sandbox(script: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    pytest.importorskip("piwik_pro_api._index", reason="generated/piwik_pro_api is missing: run `nox -s regenerate`")
    require_docs(sandbox.docs, *USES[script.stem])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIWIK_PRO_") or k == "PIWIK_PRO_DOCS_SOURCE"}
    env.update(
        PIWIK_PRO_HOST=sandbox.url,
        PIWIK_PRO_CLIENT_ID=DEMO_CLIENT_ID,
        PIWIK_PRO_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        HOME=str(tmp_path),
    )
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert DEMO_CLIENT_SECRET not in proc.stdout + proc.stderr
    CHECKS[script.stem](proc.stdout, sandbox)

"""tests/typing/user_code.py, the code the typing test checks, also runs: against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from tests.conftest import require_docs

USER_CODE = Path(__file__).resolve().parent / "user_code.py"


@pytest.mark.timeout(120)
def test_user_code_runs_against_the_sandbox(sandbox: Sandbox) -> None:
    require_docs(sandbox.docs, "users", "tag_manager_tags", "analytics")
    env = dict(
        os.environ,
        PIWIK_PRO_HOST=sandbox.url,
        PIWIK_PRO_CLIENT_ID=DEMO_CLIENT_ID,
        PIWIK_PRO_CLIENT_SECRET=DEMO_CLIENT_SECRET,
    )
    proc = subprocess.run([sys.executable, str(USER_CODE)], capture_output=True, text=True, env=env, timeout=100)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for step in ("invited:", "language de-DE", "deleted: 404", "paginated:", "tags:", "analytics rows:"):
        assert step in out, (step, out)
    assert "async deleted: 404" in out
    calls = [(r.method, r.status) for r in sandbox.requests if r.path.startswith("/api/users/v2")]
    assert ("POST", 201) in calls and ("PATCH", 204) in calls and ("DELETE", 204) in calls

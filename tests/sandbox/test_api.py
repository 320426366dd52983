"""The sandbox's Python API as README shows it: Sandbox(docs=...), sb.url, sb.client_id, sb.client_secret."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("as_path", [False, True], ids=["str", "path"])
def test_docs_keyword_takes_a_folder_and_credentials_are_attributes(docs_source: str, as_path: bool) -> None:
    pytest.importorskip("jsonschema", reason="the sandbox needs the 'sandbox' extra (jsonschema)")
    from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

    docs = Path(docs_source) if as_path and "://" not in docs_source else docs_source
    with Sandbox(docs=docs) as sb:
        assert sb.url.startswith("http://127.0.0.1:")
        assert (sb.client_id, sb.client_secret) == (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        body = {"grant_type": "client_credentials", "client_id": sb.client_id, "client_secret": sb.client_secret}
        answer = httpx.post(sb.url + "/auth/token", json=body, timeout=10)
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
        assert sb.client_secret not in repr(sb)


def test_chosen_credentials_are_the_ones_accepted(sandbox_docs: object) -> None:
    from piwik_pro.sandbox import Sandbox

    with Sandbox(docs=sandbox_docs, client_id="mine", client_secret="s3cret-value") as sb:  # type: ignore[arg-type]
        assert (sb.client_id, sb.client_secret) == ("mine", "s3cret-value")
        wrong = {"grant_type": "client_credentials", "client_id": "mine", "client_secret": "demo-client-secret"}
        assert httpx.post(sb.url + "/auth/token", json=wrong, timeout=10).status_code == 401


def test_docs_given_twice_is_refused(sandbox_docs: object) -> None:
    from piwik_pro.sandbox import Sandbox

    with pytest.raises(TypeError, match="docs once"):
        Sandbox(sandbox_docs, docs=sandbox_docs)  # type: ignore[arg-type]

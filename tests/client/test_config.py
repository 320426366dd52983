"""Construction: hosts, credentials, from_env, reprs (unit tests, no server)."""

from __future__ import annotations

import pytest
from piwik_pro import AsyncPiwikPro, PiwikPro, Token

SECRET = "s3cr3t-client-secret-value"


def test_scheme_less_host_becomes_https() -> None:
    pp = PiwikPro("acme.piwik.pro", "id", SECRET)
    assert str(pp.base_url) == "https://acme.piwik.pro"


@pytest.mark.parametrize("host", ["http://acme.piwik.pro", "http://10.0.0.5:8080"])
def test_plain_http_refused_for_remote_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="allow_insecure_http=True"):
        PiwikPro(host, "id", SECRET)


@pytest.mark.parametrize("host", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:9"])
def test_plain_http_allowed_for_loopback(host: str) -> None:
    assert PiwikPro(host, "id", SECRET).base_url.scheme == "http"


def test_plain_http_allowed_by_explicit_opt_in() -> None:
    assert PiwikPro("http://acme.internal", "id", SECRET, allow_insecure_http=True).base_url.host == "acme.internal"


@pytest.mark.parametrize("host", ["", "   ", "ftp://acme.piwik.pro"])
def test_bad_host_is_a_clear_error(host: str) -> None:
    with pytest.raises(ValueError, match="host"):
        PiwikPro(host, "id", SECRET)


def test_missing_credentials_name_the_fix() -> None:
    with pytest.raises(ValueError, match=r"client_secret missing.*PIWIK_PRO_CLIENT_SECRET"):
        PiwikPro("acme.piwik.pro", "id")


def test_token_and_credentials_are_exclusive() -> None:
    with pytest.raises(ValueError, match="either token"):
        PiwikPro("acme.piwik.pro", "id", SECRET, token="abc")


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIWIK_PRO_HOST", "acme.piwik.pro")
    monkeypatch.setenv("PIWIK_PRO_CLIENT_ID", "the-id")
    monkeypatch.setenv("PIWIK_PRO_CLIENT_SECRET", SECRET)
    pp = PiwikPro.from_env(max_retries=4)
    assert str(pp.base_url) == "https://acme.piwik.pro" and pp.max_retries == 4
    assert "the-id" in repr(pp)
    assert isinstance(AsyncPiwikPro.from_env(), AsyncPiwikPro)


def test_from_env_without_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIWIK_PRO_HOST", raising=False)
    with pytest.raises(ValueError, match="PIWIK_PRO_HOST is not set"):
        PiwikPro.from_env()


def test_reprs_never_show_secrets() -> None:
    pp = PiwikPro("acme.piwik.pro", "id", SECRET)
    token = Token("eyJ.very-secret-token-value.sig", "Bearer", 1800, 1e12)
    static = PiwikPro("acme.piwik.pro", token="static-secret-token")
    for text in (repr(pp), repr(pp._shared.auth), repr(token), str(token), repr(static), repr(static._shared.auth)):
        assert SECRET not in text
        assert "very-secret-token-value" not in text
        assert "static-secret-token" not in text


def test_with_options_shares_pool_and_token_cache() -> None:
    pp = PiwikPro("acme.piwik.pro", "id", SECRET, max_retries=2)
    fast = pp.with_options(max_retries=0, timeout=1.5)
    assert fast.max_retries == 0 and pp.max_retries == 2
    assert fast.timeout.read == 1.5 and pp.timeout.read == 60.0
    assert fast._shared is pp._shared  # one token cache, one pool
    assert fast.get_httpx_client()._transport.inner is pp.get_httpx_client()._transport.inner  # type: ignore[attr-defined]
    fast.close()  # closing a copy leaves the shared pool open
    assert not pp.get_httpx_client().is_closed


def test_negative_retries_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        PiwikPro("acme.piwik.pro", "id", SECRET, max_retries=-1)


def test_client_satisfies_client_like() -> None:
    from piwik_pro._base import ClientLike

    pp = PiwikPro("acme.piwik.pro", "id", SECRET)
    assert isinstance(pp, ClientLike)
    assert pp.raise_on_unexpected_status is False


def test_wrong_host_answering_html_to_the_token_request() -> None:
    import httpx
    from piwik_pro import PiwikProError

    page = httpx.MockTransport(lambda request: httpx.Response(200, html="<html><title>Welcome</title></html>"))
    with (
        PiwikPro("https://example.org", "id", SECRET, http_client=httpx.Client(transport=page)) as pp,
        pytest.raises(PiwikProError, match="check the host"),
    ):
        pp.request("GET", "/api/users/v2")

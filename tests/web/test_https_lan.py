"""``kj serve --lan`` over HTTPS: a browser that trusts the journal's CA gets a secure context."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.web.https_support import lan_server, trusting_browser, trusting_profile


def _context(ca_path: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_path))


def _opener(ca_path: Path) -> urllib.request.OpenerDirector:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_context(ca_path)), NoRedirect
    )


def _key_texts(folder: Path) -> list[str]:
    """The base64 body of each private key, as it would appear if printed."""
    texts = []
    for name in ("ca-key.pem", "server-key.pem"):
        body = (folder / name).read_text().splitlines()[1:-1]
        texts.extend(line for line in body if len(line) > 16)
    return texts


def test_lan_serves_https_with_secure_cookies_and_never_prints_keys(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    with lan_server(db) as served:
        assert served.base.startswith("https://127.0.0.1:")
        opener = _opener(served.ca_path)
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(f"{served.base}?token={served.token}", timeout=30)
        assert answer.value.code == 303
        cookies = answer.value.headers.get_all("set-cookie") or []
        assert cookies and all("Secure" in c for c in cookies)
        request = urllib.request.Request(
            f"{served.base}ca.crt", headers={"authorization": f"Bearer {served.token}"}
        )
        with opener.open(request, timeout=30) as response:
            assert response.headers["content-type"] == "application/x-x509-ca-cert"
            assert response.read() == served.ca_path.read_bytes()
        output = served.output
    assert "Certificate fingerprint (SHA-256):" in output
    assert "PRIVATE KEY" not in output
    for text in _key_texts(served.ca_path.parent):
        assert text not in output


def test_plain_serve_on_loopback_stays_http(tmp_path: Path) -> None:
    from kratom_journal.web import server

    assert server.plan_server("127.0.0.1", 8000, lan=False) == ("127.0.0.1", None)
    assert not (tmp_path / "journal.sqlite3.lan-tls").exists()


def test_a_browser_trusting_the_journal_ca_gets_a_secure_context(
    tmp_path: Path, chromium: Any
) -> None:
    db = tmp_path / "journal.sqlite3"
    with lan_server(db) as served:
        home = trusting_profile(tmp_path / "home", served.ca_path)
        with trusting_browser(home, chromium.browser_type) as context:
            page = context.new_page()
            page.set_default_timeout(30000)  # a bound on waiting, generous on a busy machine
            failures: list[str] = []
            page.on("requestfailed", lambda r: failures.append(f"{r.url} {r.failure}"))
            response = page.goto(f"{served.base}?token={served.token}")
            assert response is not None and response.ok
            assert page.url.startswith(served.base)
            assert page.evaluate("window.isSecureContext") is True
            assert not failures
            page.goto(f"{served.base}phone-setup")
            assert page.locator("h1").first.inner_text()
            # fetched by the page (Playwright's own request client does not use the NSS database)
            if page.evaluate("fetch('/sw.js').then(r => r.status)") == 404:
                pytest.skip("the app serves no /sw.js yet; the secure context was checked")
            registered = page.evaluate(
                "navigator.serviceWorker.register('/sw.js').then(r => !!r, e => String(e))"
            )
            assert registered is True

"""The phone set-up page and the certificate download (``kj serve --lan``)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.services import lan_certificates as certs
from kratom_journal.web import WebSettings, create_app


def test_without_a_certificate_the_page_says_how_to_make_one(client: TestClient) -> None:
    page = client.get("/phone-setup")
    assert page.status_code == 200
    assert "kj serve --lan" in page.text
    assert client.get("/ca.crt").status_code == 404


def test_with_a_certificate_the_page_shows_the_link_qr_and_fingerprint(web_db: Path) -> None:
    folder = certs.certificate_folder(str(web_db))
    certs.ensure_certificates(folder, "192.168.1.20")
    settings = WebSettings(db=str(web_db), public_url="https://192.168.1.20:8000/")
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        html = BeautifulSoup(client.get("/phone-setup").text, "html.parser")
        ca = client.get("/ca.crt")
    assert html.find("svg", attrs={"role": "img"}) is not None  # the QR code, drawn inline
    assert "https://192.168.1.20:8000/" in html.text
    pem = (folder / certs.CA_CERT).read_bytes()
    assert certs.fingerprint(pem) in html.text
    assert ca.headers["content-type"] == "application/x-x509-ca-cert"
    assert ca.content == pem
    assert b"PRIVATE KEY" not in ca.content
    for step in ("Android", "Certificate Trust Settings"):
        assert step in html.text


def test_show_ca_prints_the_fingerprint_and_needs_lan(kj, journal_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = kj("serve", "--lan", "--show-ca", "--lan-address", "192.168.1.20")
    assert shown.exit_code == 0, shown.output
    pem = (certs.certificate_folder(str(journal_path)) / certs.CA_CERT).read_bytes()
    assert certs.fingerprint(pem) in shown.output
    assert "PRIVATE KEY" not in shown.output
    refused = kj("serve", "--show-ca")
    assert refused.exit_code != 0
    assert "--show-ca goes with --lan" in refused.output

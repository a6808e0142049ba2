"""The journal's own certificate authority and server certificate for HTTPS on the LAN."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from kratom_journal.services import lan_certificates as certs

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_keys_are_private_and_folder_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "journal.db.lan-tls"
    files = certs.ensure_certificates(folder, "192.168.1.20", START)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (certs.CA_KEY, certs.CA_CERT, certs.SERVER_KEY, certs.SERVER_CERT):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert files.ca_created and files.renewed


def test_server_certificate_chains_to_the_ca_with_the_lan_address(tmp_path: Path) -> None:
    files = certs.ensure_certificates(tmp_path / "tls", "192.168.1.20", START)
    ca, server = _load(files.ca_path), _load(files.cert_path)
    server.verify_directly_issued_by(ca)
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    assert ca.extensions.get_extension_for_class(x509.NameConstraints).critical
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("192.168.1.20") in san.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("127.0.0.1") in san.get_values_for_type(x509.IPAddress)
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    lifetime = server.not_valid_after_utc - server.not_valid_before_utc
    assert lifetime < timedelta(days=398)
    assert "kratom" not in ca.subject.rfc4514_string().lower()


def test_a_second_start_keeps_both_certificates(tmp_path: Path) -> None:
    first = certs.ensure_certificates(tmp_path / "tls", "192.168.1.20", START)
    before = first.cert_path.read_bytes(), first.ca_path.read_bytes()
    again = certs.ensure_certificates(tmp_path / "tls", "192.168.1.20", START + timedelta(days=10))
    assert not again.ca_created and not again.renewed
    assert (again.cert_path.read_bytes(), again.ca_path.read_bytes()) == before


def test_renews_within_30_days_of_expiry_and_keeps_the_ca(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = certs.ensure_certificates(folder, "192.168.1.20", START)
    ca_before = first.ca_path.read_bytes()
    serial = _load(first.cert_path).serial_number
    quiet = certs.ensure_certificates(folder, "192.168.1.20", START + timedelta(days=59))
    assert not quiet.renewed
    later = certs.ensure_certificates(folder, "192.168.1.20", START + timedelta(days=61))
    assert later.renewed and not later.ca_created
    assert _load(later.cert_path).serial_number != serial
    assert later.ca_path.read_bytes() == ca_before
    assert later.expires > START + timedelta(days=61 + 60)


def test_renews_when_the_address_changes(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    certs.ensure_certificates(folder, "192.168.1.20", START)
    moved = certs.ensure_certificates(folder, "10.0.0.7", START + timedelta(days=1))
    assert moved.renewed and not moved.ca_created
    san = _load(moved.cert_path).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    addresses = san.value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("10.0.0.7") in addresses
    assert ipaddress.ip_address("192.168.1.20") not in addresses


def test_a_damaged_server_key_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    certs.ensure_certificates(folder, "192.168.1.20", START)
    (folder / certs.SERVER_KEY).write_text("not a key")
    again = certs.ensure_certificates(folder, "192.168.1.20", START)
    assert again.renewed and not again.ca_created


def test_an_address_outside_home_ranges_gets_a_ca_that_allows_it(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    certs.ensure_certificates(folder, "192.168.1.20", START)
    outside = certs.ensure_certificates(folder, "203.0.113.5", START)
    assert outside.ca_created  # the old authority's name constraints did not allow it
    ca = _load(outside.ca_path)
    permitted = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    networks = [t.value for t in permitted.permitted_subtrees or ()]
    assert ipaddress.ip_network("203.0.113.5/32") in networks


def test_fingerprint_is_sha256_in_pairs(tmp_path: Path) -> None:
    pem = certs.ca_certificate(tmp_path / "tls", "192.168.1.20", START)
    text = certs.fingerprint(pem)
    assert len(text.split(":")) == 32 and text == text.upper()


def test_folder_name_beside_a_journal_or_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert certs.certificate_folder(str(tmp_path / "j.db")) == tmp_path / "j.db.lan-tls"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    remote = certs.certificate_folder("postgresql://me@host/journal")
    assert remote.is_relative_to(tmp_path / "data")


def test_an_unusable_folder_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(certs.CertificateError, match="certificate folder"):
        certs.ensure_certificates(blocker / "tls", "192.168.1.20", START)

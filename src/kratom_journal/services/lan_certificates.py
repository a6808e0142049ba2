"""HTTPS on the local network: the journal's own certificate authority and a server certificate.

A phone's browser gives a page a secure context (service workers, installable app)
only over HTTPS, and it trusts HTTPS only from a certificate authority it knows.
So each journal makes its own small authority once, which the person installs on
their phone, and signs a short-lived certificate for the computer's address with it.

* The authority can sign server certificates only (``pathlen 0``), and only for
  local addresses (name constraints: private IPv4/IPv6 ranges and ``localhost``), so a
  stolen authority key cannot impersonate a bank.
* The server certificate lives 90 days (phones refuse more than 398) and is made
  again at start when fewer than 30 days are left or when the address changed.
* Keys are written ``0600`` in a ``0700`` folder beside the journal; nothing here
  prints or logs them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kratom_journal.domain.errors import JournalError
from kratom_journal.store.private_files import FOLDER_MODE, private_folder, write_private

SERVER_LIFETIME = timedelta(days=90)
CA_LIFETIME = timedelta(days=5 * 365)
RENEW_BEFORE = timedelta(days=30)
BACKDATE = timedelta(minutes=5)
"""Certificates start a little in the past: a phone whose clock runs behind still accepts them."""

CA_KEY, CA_CERT = "ca-key.pem", "ca.crt"
SERVER_KEY, SERVER_CERT = "server-key.pem", "server.crt"

LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
)
"""Where the authority may vouch for servers: the home and loopback ranges."""

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class CertificateError(JournalError):
    """The certificate folder cannot be used; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class LanCertificates:
    """The files ``kj serve --lan`` hands to the HTTPS server, and what happened at start."""

    folder: Path
    ca_path: Path
    cert_path: Path
    key_path: Path
    ca_created: bool
    renewed: bool
    expires: datetime


def certificate_folder(db: str) -> Path:
    """Where a journal's certificates live: beside a journal file, or in the data folder.

    >>> certificate_folder("/home/ana/journal.db").name
    'journal.db.lan-tls'
    """
    if "://" not in db:
        path = Path(db).expanduser().resolve()
        return path.parent / f"{path.name}.lan-tls"
    from platformdirs import user_data_path

    digest = hashlib.sha256(db.encode()).hexdigest()[:16]
    return user_data_path("kratom-journal", appauthor=False) / "lan-tls" / digest


def ensure_certificates(folder: Path, address: str, now: datetime | None = None) -> LanCertificates:
    """The authority (made once) and a current server certificate for ``address``.

    ``now`` is injectable so tests can step the clock past renewal dates.
    """
    moment = now or datetime.now(UTC)
    _private(folder)
    wanted = _wanted_names(address)
    ca_created = False
    ca = _load_ca(folder)
    if ca is None or not _ca_usable(ca[1], wanted, moment):
        ca = _make_ca(folder, address, moment)
        ca_created = True
    ca_key, ca_cert = ca
    current = _load_cert(folder / SERVER_CERT)
    renewed = (
        ca_created or current is None or _needs_renewal(folder, current, ca_cert, wanted, moment)
    )
    if renewed:
        current = _make_server(folder, ca_key, ca_cert, wanted, moment)
    assert current is not None
    return LanCertificates(
        folder,
        folder / CA_CERT,
        folder / SERVER_CERT,
        folder / SERVER_KEY,
        ca_created,
        renewed,
        current.not_valid_after_utc,
    )


def ca_certificate(folder: Path, address: str, now: datetime | None = None) -> bytes:
    """The authority's certificate (PEM) to install on a phone; made first if missing."""
    ensure_certificates(folder, address, now)
    return (folder / CA_CERT).read_bytes()


def fingerprint(certificate_pem: bytes) -> str:
    """The SHA-256 fingerprint as phones show it: ``AB:CD:...`` (32 pairs)."""

    digest = x509.load_pem_x509_certificate(certificate_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


# --- reading -------------------------------------------------------------------------------------


def _private(folder: Path) -> None:
    try:
        private_folder(folder)
        os.chmod(folder, FOLDER_MODE)  # ours alone, even if it was made some other way
    except OSError as exc:
        raise CertificateError(
            f"cannot use the certificate folder {folder} ({exc.strerror or exc})"
        ) from None


def _load_cert(path: Path) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return None


def _load_ca(folder: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None:

    cert = _load_cert(folder / CA_CERT)
    try:
        key = load_pem_private_key((folder / CA_KEY).read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if cert is None or not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if cert.public_key() != key.public_key():
        return None
    return key, cert


def _wanted_names(address: str) -> frozenset[str]:
    """The names the server certificate must carry: the LAN address and this computer's own."""
    return frozenset({address, "127.0.0.1", "::1", "localhost"})


def _parsed(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def _names_of(cert: x509.Certificate) -> frozenset[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return frozenset()
    names = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    return frozenset(names | set(san.get_values_for_type(x509.DNSName)))


def _permitted_networks(cert: x509.Certificate) -> tuple[IPNetwork, ...]:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return ()
    networks: list[IPNetwork] = []
    for tree in constraints.permitted_subtrees or ():
        if isinstance(tree, x509.IPAddress) and isinstance(
            tree.value, ipaddress.IPv4Network | ipaddress.IPv6Network
        ):
            networks.append(tree.value)
    return tuple(networks)


def _ca_usable(cert: x509.Certificate, wanted: frozenset[str], moment: datetime) -> bool:
    """Still valid for a while, and its name constraints allow every address wanted."""
    if cert.not_valid_after_utc - moment < RENEW_BEFORE:
        return False
    networks = _permitted_networks(cert)
    for name in wanted:
        ip = _parsed(name)
        if ip is not None and not any(ip.version == n.version and ip in n for n in networks):
            return False
    return True


def _needs_renewal(
    folder: Path,
    cert: x509.Certificate,
    ca_cert: x509.Certificate,
    wanted: frozenset[str],
    moment: datetime,
) -> bool:
    if cert.issuer != ca_cert.subject or not _key_matches(folder / SERVER_KEY, cert):
        return True
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return True
    if cert.not_valid_before_utc > moment or cert.not_valid_after_utc - moment < RENEW_BEFORE:
        return True
    return _names_of(cert) != wanted


def _key_matches(path: Path, cert: x509.Certificate) -> bool:
    """The key file holds the certificate's key (a start cut short may have left another)."""
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return False
    return key.public_key() == cert.public_key()


# --- making --------------------------------------------------------------------------------------


def _new_key() -> ec.EllipticCurvePrivateKey:

    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:

    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _cert_pem(cert: x509.Certificate) -> bytes:

    return bytes(cert.public_bytes(serialization.Encoding.PEM))


def _make_ca(
    folder: Path, address: str, moment: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _new_key()
    # A neutral name: it is shown in the phone's list of installed certificates.
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"Journal local CA {moment:%Y-%m-%d %H%M}")]
    )
    networks = list(LOCAL_NETWORKS)
    own = _parsed(address)
    if own is not None and not any(own.version == n.version and own in n for n in networks):
        networks.append(ipaddress.ip_network(own))  # a LAN outside the usual home ranges
    permitted: list[x509.GeneralName] = [x509.DNSName("localhost")]
    permitted += [x509.IPAddress(n) for n in networks]
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE)
        .not_valid_after(moment + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.NameConstraints(permitted, None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(folder / CA_KEY, _key_pem(key))
    write_private(folder / CA_CERT, _cert_pem(cert))
    return key, cert


def _key_usage(cert_sign: bool) -> x509.KeyUsage:

    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _make_server(
    folder: Path,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    wanted: frozenset[str],
    moment: datetime,
) -> x509.Certificate:
    key = _new_key()
    names: list[x509.GeneralName] = []
    for name in sorted(wanted):
        ip = _parsed(name)
        names.append(x509.IPAddress(ip) if ip is not None else x509.DNSName(name))
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Journal on this network")])
        )
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE)
        .not_valid_after(moment + SERVER_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    # The key first: a certificate on disk always has its key beside it.
    write_private(folder / SERVER_KEY, _key_pem(key))
    write_private(folder / SERVER_CERT, _cert_pem(cert))
    return cert


def existing_ca(db: str) -> bytes | None:
    """The journal's authority certificate (PEM) if ``kj serve --lan`` has made one."""
    try:
        return (certificate_folder(db) / CA_CERT).read_bytes()
    except OSError:
        return None

"""Running the web app: loopback by default, the LAN on request; always with an access token."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from kratom_journal.domain.errors import JournalError
from kratom_journal.store.private_files import private_folder, write_private
from kratom_journal.web.config import WebSettings

LOOPBACK = "127.0.0.1"


class ServeError(JournalError, OSError):
    """The server cannot start; the message says why in one line."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the local network (the first non-loopback IPv4 address)."""
    candidates: list[str] = []
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        candidates.extend(str(info[4][0]) for info in infos)
    except OSError:
        pass
    candidates.extend(_interface_addresses())
    for address in candidates:
        parsed = ipaddress.ip_address(address)
        if not parsed.is_loopback and not parsed.is_link_local and not parsed.is_unspecified:
            return address
    raise ServeError("no local network address found; is this machine on a network?")


def _interface_addresses() -> list[str]:
    """IPv4 addresses of the network interfaces (Linux), read without sending anything."""
    try:
        import fcntl
        import struct
    except ImportError:
        return []
    found: list[str] = []
    for _, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                packed = fcntl.ioctl(
                    probe.fileno(),
                    0x8915,  # SIOCGIFADDR
                    struct.pack("256s", name.encode()[:15]),
                )
            except OSError:
                continue
            found.append(socket.inet_ntoa(packed[20:24]))
    return found


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port"
            ) from None


def plan_server(host: str, port: int, lan: bool) -> tuple[str, str | None]:
    """(address to bind, access token): loopback only unless ``lan``."""
    if not 0 < port < 65536:
        raise ServeError(f"--port must be between 1 and 65535, got {port}")
    if not lan:
        if not is_loopback(host):
            raise ServeError(
                f"{host} is not a loopback address; to open the journal to "
                "other devices use --lan (it asks for an access token)"
            )
        return host, None
    token = secrets.token_urlsafe(24)  # created before anything listens
    address = host if _specific(host) and not is_loopback(host) else lan_address()
    return address, token


def _specific(host: str) -> bool:
    """A single address (not 0.0.0.0 or ::, which would listen on every network)."""
    try:
        return not ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def print_lan_banner(url: str, out: Callable[[str], None] = print) -> None:
    import segno

    out("Open this link on your phone (same network), or scan the code:")
    out(url)
    qr = segno.make(url, error="m")
    qr.terminal(out=sys.stdout, compact=True)
    out(
        "Anyone with this link can read and change the journal while this runs. "
        "Press Ctrl+C to stop."
    )


def token_file(db: str, port: int) -> Path:
    """Where ``kj serve`` keeps its access token for the owner's own scripts (``0600``).

    Beside an SQLite journal; for a server database, in the program's data folder.
    """
    name = f".kj-serve-{port}.token"
    if "://" not in db:
        return Path(db).expanduser().resolve().parent / name
    from platformdirs import user_data_path

    return user_data_path("kratom-journal", appauthor=False) / name


def write_token_file(path: Path, token: str) -> None:
    """Keep ``token`` in ``path``, readable only by this account."""
    private_folder(path.parent)
    write_private(path, token + "\n")


def serve(
    db: str,
    host: str = LOOPBACK,
    port: int = 8000,
    lan: bool = False,
    lan_address: str | None = None,
) -> None:
    """Serve the journal ``db`` until interrupted; prints the address to open.

    Every start makes a fresh access token, also on loopback: other accounts on
    the same computer can reach a loopback port, so pages and the API need it.
    The printed link carries it once (then a cookie); API clients send it as a
    bearer token, read from the owner-only token file. With ``lan`` it serves
    HTTPS with the journal's own certificates (``lan_address``, for tests and
    computers on several networks, replaces the address found).
    """
    import uvicorn

    from kratom_journal.web.app import create_app
    from kratom_journal.web.connections import connection_options

    address, lan_token = plan_server(host, port, lan)
    if lan and lan_address:
        address = _chosen_address(lan_address)
    token = lan_token or secrets.token_urlsafe(32)
    check_port_free(address, port)
    certfile, keyfile = lan_tls(db, address) if lan else (None, None)
    tls = certfile is not None
    scheme = "https" if tls else "http"
    url = f"{scheme}://{_url_host(address)}:{port}/"
    hosts = ("127.0.0.1", "localhost", "::1", address)
    settings = WebSettings(
        db=db,
        access_token=token,
        allowed_hosts=hosts,
        secure_cookies=tls,
        public_url=url if lan else None,
    )
    app = create_app(settings)
    secret_path = token_file(db, port)
    write_token_file(secret_path, token)
    if lan_token:
        print_lan_banner(f"{url}?token={token}")
        print(f"Certificate fingerprint (SHA-256): {show_ca(db, address)}", flush=True)
        print(f"Set up the phone: {url}phone-setup", flush=True)
    else:
        print(
            f"Kratom Journal is open at {url}?token={token} (only on this computer; open "
            "this link, the address alone asks for it). Press Ctrl+C to stop.",
            flush=True,
        )
    print(f"API token (readable only by you): {secret_path}", flush=True)
    try:
        uvicorn.run(
            app,
            host=address,
            port=port,
            log_level="warning",
            server_header=False,
            date_header=False,
            proxy_headers=False,
            access_log=False,
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
            **connection_options(),
        )
    finally:
        secret_path.unlink(missing_ok=True)


def _chosen_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise ServeError(f"--lan-address must be an IP address, got {text!r}") from None


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def lan_tls(db: str, address: str) -> tuple[str, str]:
    """(certificate, key) files for uvicorn: the certificate for ``address``, renewed if due."""
    from kratom_journal.services.lan_certificates import (
        CertificateError,
        certificate_folder,
        ensure_certificates,
    )

    try:
        files = ensure_certificates(certificate_folder(db), address)
    except CertificateError as exc:
        raise ServeError(str(exc)) from None
    if files.ca_created:
        print(
            "Made a new certificate authority for this journal: install it on your phone "
            "(see the phone set-up page).",
            flush=True,
        )
    elif files.renewed:
        print(f"Renewed the HTTPS certificate (valid until {files.expires:%Y-%m-%d}).", flush=True)
    return str(files.cert_path), str(files.key_path)


def show_ca(db: str, address: str | None = None) -> str:
    """The SHA-256 fingerprint of the journal's certificate authority (made first if missing)."""
    from kratom_journal.services.lan_certificates import (
        CertificateError,
        ca_certificate,
        certificate_folder,
        fingerprint,
    )

    try:
        pem = ca_certificate(certificate_folder(db), address or _best_address())
    except CertificateError as exc:
        raise ServeError(str(exc)) from None
    return fingerprint(pem)


def _best_address() -> str:
    try:
        return lan_address()
    except ServeError:
        return LOOPBACK

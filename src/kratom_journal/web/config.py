"""Settings of one running web app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

MIB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """What ``create_app`` needs to know.

    ``access_token`` is set for ``--lan``: every request must then carry it (in the
    URL once, then in a cookie). ``secret`` signs the forms' CSRF tokens; a fresh
    one per start is fine because tokens live only as long as a page.
    """

    db: str
    access_token: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    max_body_bytes: int = 1 * MIB
    max_upload_bytes: int = 2048 * MIB
    upload_paths: tuple[str, ...] = ("/import",)
    secure_cookies: bool = False
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    """Host names the app answers to; others are refused (a guard against DNS rebinding)."""
    public_url: str | None = None
    """The link other devices open (``kj serve --lan``), shown on the phone set-up page."""
    port_cookies: bool = True
    """Name cookies for the port (a local journal); the multi-user server runs several
    processes on several ports behind one proxy, so its cookies keep one name."""

"""The server's one door into the local web app: its app, page rendering and CSRF check.

The server serves the local app's pages and journal API unchanged, over a journal
scoped to the signed-in person; the layer contracts allow these imports from this
module and no other (the faces stay independent otherwise).
"""

from __future__ import annotations

from fastapi import FastAPI

from kratom_journal.services.clock import Clock
from kratom_journal.store.journal import Journal
from kratom_journal.web.app import create_app
from kratom_journal.web.config import WebSettings
from kratom_journal.web.security import CSRF_COOKIE, CSRF_FIELD
from kratom_journal.web.views import (
    NAV,
    CsrfFailed,
    FormState,
    checked_form,
    redirect,
    render,
    text_values,
)

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "NAV",
    "CsrfFailed",
    "FormState",
    "checked_form",
    "person_app",
    "redirect",
    "render",
    "text_values",
]

LOCAL_ONLY_PAGES = ("/import", "/share")
"""Pages of the local app the server does not offer (uploads run in one process's memory;
sharing is what a local journal does towards a server)."""


def person_app(
    journal: Journal,
    *,
    secret: str,
    secure_cookies: bool,
    allowed_hosts: tuple[str, ...],
    clock: Clock,
) -> FastAPI:
    """The local web app over the server's scoped journal."""
    settings = WebSettings(
        db="server",
        secret=secret,
        secure_cookies=secure_cookies,
        allowed_hosts=allowed_hosts,
        upload_paths=("/api/v1/share/sync",),
        max_upload_bytes=64 * 1024 * 1024,
        port_cookies=False,
    )
    return create_app(settings, clock=clock, journal=journal)

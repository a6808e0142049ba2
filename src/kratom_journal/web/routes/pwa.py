"""The installable app: its manifest, its service worker, the offline page and "More".

The service worker is served from ``/sw.js`` so that its scope is the whole app;
its caches are named after the static files' version (see ``web.assets``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.branding import app_name
from kratom_journal.services.settings import is_discreet
from kratom_journal.web.assets import SHELL_FILES, STATIC, asset_version, static_url
from kratom_journal.web.deps import JournalDep
from kratom_journal.web.views import NAV, TABS, render

router = APIRouter(include_in_schema=False)

THEME_LIGHT = "#2b4c9b"
THEME_DARK = "#0f172a"
BACKGROUND_LIGHT = "#f8fafc"

OFFLINE_PAGES = ("/", "/sleep", "/mood", "/more", "/offline")
"""Pages cached when the app installs: Today and the logging forms work without a network."""


def manifest(discreet: bool) -> dict[str, Any]:
    """The web app manifest (W3C "Web Application Manifest") of this journal."""
    name = app_name(discreet)
    return {
        "id": "/",
        "name": name,
        "short_name": name.split()[0] if discreet else "Journal",
        "description": "A private sleep and mood journal kept on your own device.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_LIGHT,
        "background_color": BACKGROUND_LIGHT,
        "icons": [
            {"src": static_url(f"icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ]
        + [{"src": static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        "shortcuts": [
            {"name": "Log a dose", "short_name": "Dose", "url": "/#dose-title"},
            {"name": "Last night's sleep", "short_name": "Sleep", "url": "/#sleep-title"},
            {"name": "Mood", "short_name": "Mood", "url": "/#mood-title"},
        ],
    }


@router.get("/manifest.webmanifest")
def manifest_file(journal: JournalDep) -> Response:
    body = json.dumps(manifest(is_discreet(journal)), indent=1)
    return Response(body, media_type="application/manifest+json")


def service_worker_source() -> str:
    """The service worker's script with this installation's version and cached files."""
    template = (STATIC / "sw-template.js").read_text(encoding="utf-8")
    shell = [static_url(name) for name in SHELL_FILES]
    return (
        template.replace("__VERSION__", asset_version())
        .replace("__SHELL__", json.dumps(shell))
        .replace("__PAGES__", json.dumps(list(OFFLINE_PAGES)))
    )


@router.get("/sw.js")
def service_worker() -> Response:
    return Response(
        service_worker_source(),
        media_type="text/javascript",
        headers={"service-worker-allowed": "/", "cache-control": "no-cache"},
    )


@router.get("/offline", response_class=HTMLResponse)
def offline_page(request: Request) -> Response:
    return render(request, "offline.html", {"page": "", "title": "Offline"})


@router.get("/more", response_class=HTMLResponse)
def more_page(request: Request) -> Response:
    tabs = {href for _key, href, _label in TABS}
    rest = [(key, href, label) for key, href, label in NAV if href not in tabs]
    return render(request, "more.html", {"page": "more", "title": "More", "pages": rest})

"""The version of the static files: a short hash of their bytes, for cache names and URLs.

The service worker names its cache after this version, so a changed stylesheet or
script reaches an installed app at its next start instead of being served stale.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"

SHELL_FILES = (
    "app.css",
    "forms.js",
    "outbox.js",
    "charts.js",
    "icon.svg",
    "icon-192.png",
    "icon-512.png",
)
"""The static files every page needs, cached by the service worker when it installs."""


def version_of(folder: Path) -> str:
    """12 hex digits of a SHA-256 over every file's name and bytes in ``folder`` (sorted)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@cache
def asset_version() -> str:
    """The version of this installation's static files (computed once per process)."""
    return version_of(STATIC)


def static_url(name: str) -> str:
    """``/static/<name>?v=<version>``: a URL that changes whenever any static file does."""
    return f"/static/{name}?v={asset_version()}"


class VersionedStaticFiles(StaticFiles):
    """Static files that a browser keeps: a file asked for with ``?v=<version>`` never
    changes under that address, so it is cached for a year (without the version, for
    an hour). A phone then fetches the page itself and nothing else on a repeat visit.
    """

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        scope: Scope = args[2] if len(args) > 2 else kwargs["scope"]
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"
        )
        return response

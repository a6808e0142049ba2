"""Who is asking, and may they: the session cookie, the section a path belongs to, the logs.

``SessionGate`` resolves the session cookie against the database (so any process can),
then lets a request through only to what the account's role may use, and runs the
rest of the request *as* that account: journal reads and writes are scoped to it by
the database. ``RequestLog`` writes one JSON line per request: method, route pattern,
status and time — never a path with ids in it, a query, a body, an address or a name.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

import anyio

from kratom_journal.services.clock import Clock
from kratom_journal.services.server.accounts import JOURNAL_ROLES
from kratom_journal.services.server.signin import Current, resolve
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, as_nobody

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC = (
    "/login",
    "/reset/",
    "/join",
    "/static/",
    "/vendor/",
    "/favicon.ico",
    "/healthz",
    "/readyz",
    "/api/v1/share/",
    "/calendar/",
)
"""Paths anyone may open (each checks what it needs itself)."""
PENDING_ALLOWED = ("/login/", "/logout", "/static/", "/favicon.ico")
ALL_ROLES = frozenset({"person", "participant", "clinician", "researcher", "admin"})
SECTIONS = {
    "/clinic": frozenset({"clinician"}),
    "/research": frozenset({"researcher"}),
    "/admin": frozenset({"admin"}),
    "/sharing": JOURNAL_ROLES,
    "/study": frozenset({"participant"}),
    "/account": ALL_ROLES,
    "/logout": ALL_ROLES,
}
HOME = {"clinician": "/clinic", "researcher": "/research", "admin": "/admin"}
LOCAL_ONLY = ("/import", "/share")

log = logging.getLogger("kratom_journal.server")


def session_cookie_name(secure: bool) -> str:
    """``__Host-`` cookies are refused by browsers unless Secure, Path=/ and host-only."""
    return "__Host-kj_session" if secure else "kj_session"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def section_of(path: str) -> str | None:
    for prefix in SECTIONS:
        if _under(path, prefix):
            return prefix
    return None


def _cookie(scope: Scope, name: str) -> str:
    header = ""
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            header = value.decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str) -> None:
    await _respond(send, 303, b"", [(b"location", location.encode("latin-1"))])


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await _respond(send, status, body, [(b"content-type", b"application/json")])


class SessionGate:
    """Signs the request in from its cookie and keeps each role to its own pages."""

    def __init__(
        self, app: ASGIApp, db: ServerDatabase, secure_cookies: bool, clock: Clock
    ) -> None:
        self.app = app
        self.db = db
        self.cookie = session_cookie_name(secure_cookies)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "/")
        token = _cookie(scope, self.cookie)
        current = (
            await anyio.to_thread.run_sync(resolve, self.db, token, self.clock) if token else None
        )
        scope["kj_current"] = current
        if any(_under(path, p) if not p.endswith("/") else path.startswith(p) for p in PUBLIC):
            with as_nobody():
                await self.app(scope, receive, send)
            return
        if current is None:
            await self._sign_in_first(scope, send, path)
            return
        if not current.complete:
            if any(path.startswith(p) for p in PENDING_ALLOWED):
                with as_nobody():
                    await self.app(scope, receive, send)
            else:
                await _redirect(send, "/login/totp" if current.stage == "totp" else "/login/enrol")
            return
        await self._signed_in(scope, receive, send, path, current)

    async def _sign_in_first(self, scope: Scope, send: Send, path: str) -> None:
        if path.startswith("/api/"):
            await _json(send, 401, "sign in first")
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + (f"?{query}" if query else "")
        await _redirect(send, "/login?next=" + quote(target, safe=""))

    async def _signed_in(
        self, scope: Scope, receive: Receive, send: Send, path: str, current: Current
    ) -> None:
        role = current.account.role
        section = section_of(path)
        allowed = SECTIONS[section] if section else JOURNAL_ROLES
        if any(_under(path, p) for p in LOCAL_ONLY) or role not in allowed:
            if path == "/" and role in HOME:
                await _redirect(send, HOME[role])
            elif path.startswith("/api/"):
                await _json(send, 404, "not found")
            else:
                await self._not_found(scope, receive, send, current)
            return
        with acting_as(current.account.id):
            await self.app(scope, receive, send)

    async def _not_found(
        self, scope: Scope, receive: Receive, send: Send, current: Current
    ) -> None:
        # The same page as any unknown address: whether a page exists for other roles is
        # not told. The app draws it (a path no route has), so it looks like every 404.
        scope = dict(scope)
        scope["path"] = "/__kj_nothing_here__"
        scope["raw_path"] = b"/__kj_nothing_here__"
        with acting_as(current.account.id):
            await self.app(scope, receive, send)


class RequestLog:
    """One structured line per request, without personal data (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            pattern = getattr(route, "path", None) or "(unmatched)"
            current = scope.get("kj_current")
            log.info(
                json.dumps(
                    {
                        "event": "request",
                        "method": scope.get("method"),
                        "route": pattern,
                        "status": status,
                        "ms": round(1000 * (time.perf_counter() - started), 1),
                        "role": current.account.role if current else None,
                    },
                    separators=(",", ":"),
                )
            )


class QuietErrors:
    """The outermost layer: a bug is logged as one structured line, never a traceback.

    The app has answered already (its error page says that something went wrong);
    a traceback could carry a query's parameters, which are personal data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            if scope["type"] != "http":
                raise
            route = scope.get("route")
            log.error(
                json.dumps(
                    {
                        "event": "internal-error",
                        "error": type(exc).__name__,
                        "route": getattr(route, "path", None) or "(unmatched)",
                    },
                    separators=(",", ":"),
                )
            )

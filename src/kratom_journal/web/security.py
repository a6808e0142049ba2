"""Protections around every request: access token, body limits, CSRF and security headers.

These are plain ASGI middlewares so that they also guard static files and error pages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from kratom_journal.web.config import WebSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_COOKIE = "kj_access"
CSRF_COOKIE = "kj_csrf"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

EMPTY_STYLE_HASH = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        # The one hash is that of an empty <style> element: Plotly creates one and fills it
        # through the CSSOM (not inline text), which CSP permits.
        f"style-src 'self' '{EMPTY_STYLE_HASH}'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
"""No inline scripts or styles and no other origin; charts' data travel as JSON blocks."""

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_headers(scope).get("cookie", ""))
    except CookieError:  # a malformed cookie header is treated as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def cookie_name(base: str, scope: Scope) -> str:
    """``base`` with the server's port: browsers send a host's cookies to all its ports, so
    each server sets and reads only the cookies named for its own port (a journal on
    another port, or another program there, never finds them under the name it uses).
    """
    server = scope.get("server") or ("", None)
    port = server[1] if len(server) > 1 and server[1] else "0"
    return f"{base}_{port}"


def _cookie_header(name: str, value: str, secure: bool) -> tuple[bytes, bytes]:
    flags = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return b"set-cookie", f"{name}={value}{flags}".encode()


async def _plain_response(
    send: Send, status: int, title: str, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p>"
        f"</main></body></html>"
    ).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in SECURITY_HEADERS if h[0] not in names),
                ]
                if b"cache-control" not in names:
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessToken:
    """Every request needs the server's access token: once in the URL, then a cookie.

    ``kj serve`` makes a fresh token at each start, on loopback too (another
    account on the same computer can reach a loopback port).

    API clients may send it as ``Authorization: Bearer <token>`` instead.
    """

    def __init__(self, app: ASGIApp, token: str, secure: bool = False) -> None:
        from kratom_journal.web.attempts import AttemptLimiter

        self.app = app
        self.token = token
        self.secure = secure
        self.attempts = AttemptLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._carries_token(scope):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        given = dict(query).get("token", "")
        client = scope.get("client") or ("", 0)
        if not self.attempts.allow(str(client[0])):
            await _too_many_attempts(send, self.attempts.retry_after())
            return
        if given and hmac.compare_digest(given.encode(), self.token.encode()):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = same_site_path(scope.get("path", "/")) + (f"?{rest}" if rest else "")
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", location.encode()),
                        (b"content-length", b"0"),
                        _cookie_header(cookie_name(ACCESS_COOKIE, scope), self.token, self.secure),
                        *SECURITY_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await _plain_response(
            send,
            403,
            "Access link needed",
            "Open this journal with the link (or QR code) shown in the "
            "terminal where it was started.",
        )

    def _carries_token(self, scope: Scope) -> bool:
        expected = self.token.encode()
        cookie = _cookies(scope).get(cookie_name(ACCESS_COOKIE, scope), "")
        if cookie and hmac.compare_digest(cookie.encode(), expected):
            return True
        auth = _headers(scope).get("authorization", "")
        bearer = auth[7:] if auth.lower().startswith("bearer ") else ""
        return bool(bearer) and hmac.compare_digest(bearer.encode(), expected)


def same_site_path(path: str) -> str:
    """A path that stays on this site as a redirect target (``//host/`` would leave it).

    >>> same_site_path("//evil.example/"), same_site_path("/\\\\evil"), same_site_path("/sleep")
    ('/evil.example/', '/evil', '/sleep')
    """
    cleaned = "/" + path.replace("\\", "/").lstrip("/")
    return cleaned


async def _too_many_attempts(send: Send, retry_after: int) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"retry-after", str(retry_after).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send(
        {"type": "http.response.body", "body": b"Too many attempts with a wrong access link; wait."}
    )


class BodyTooLarge(Exception):
    """A request body went past its limit."""


class BodyLimit:
    """Refuses request bodies above the limit (uploads get a larger one) with a 413."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    def _limit(self, path: str) -> int:
        if any(path == p or path.startswith(p + "/") for p in self.settings.upload_paths):
            return self.settings.max_upload_bytes
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope.get("path", "/"))
        declared = _headers(scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    size = f"{limit / (1024 * 1024):.0f} MiB"
    await _plain_response(
        send, 413, "Too large", f"What was sent is larger than this page accepts ({size})."
    )


class CsrfCookie:
    """Gives each browser a random CSRF cookie; forms carry an HMAC of it (see ``csrf_token``).

    Requests from another origin that change something are refused outright.
    """

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if scope["method"] in UNSAFE_METHODS and not _same_origin(headers):
            await _plain_response(
                send, 403, "Refused", "A request from another site tried to change your journal."
            )
            return
        own_cookie = cookie_name(CSRF_COOKIE, scope) if self.settings.port_cookies else CSRF_COOKIE
        existing = _cookies(scope).get(own_cookie, "")
        fresh = not (
            16 <= len(existing) <= 64 and existing.replace("-", "").replace("_", "").isalnum()
        )
        scope["kj_csrf_id"] = secrets.token_urlsafe(24) if fresh else existing

        async def send_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    _cookie_header(own_cookie, scope["kj_csrf_id"], self.settings.secure_cookies),
                ]
            await send(message)

        await self.app(scope, receive, send_cookie)


def _same_origin(headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if origin is None:  # not a browser, or a same-origin request that did not say
        return True
    host = headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def csrf_token(secret: str, csrf_id: str) -> str:
    """The token a form carries: an HMAC of the browser's CSRF cookie."""
    return hmac.new(secret.encode(), csrf_id.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, csrf_id: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, csrf_id), given)


class HostCheck:
    """Answers only requests addressed to this machine's own names (no DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.hosts = {h.lower().strip("[]") for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _headers(scope).get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.lower().strip("[]") not in self.hosts:
            await _plain_response(
                send,
                400,
                "Unknown address",
                "This journal answers only at the address it was opened on.",
            )
            return
        await self.app(scope, receive, send)

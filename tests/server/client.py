"""A browser-like HTTP client for the server tests: its own cookie jar, forms with CSRF tokens.

The cookie jar keeps every cookie the server sets, ``Secure`` ones too, because the
test processes answer plain HTTP on loopback with production cookie settings; the
attributes are kept so that the tests can check them. Each request can go to a
different app process (``bases`` are taken in turn), which shows that no state lives
in a process.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Browser:
    bases: list[str]
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(self.bases)
        self._client = httpx.Client(timeout=60, follow_redirects=False)
        self._csrf: dict[str, str] = {}

    def close(self) -> None:
        self._client.close()

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            self.set_cookie_headers.append(header)
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or morsel.value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self, method: str, path: str, base: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        url = (base or next(self._turn)) + path
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self._client.request(method, url, headers=headers, **kwargs)
        self._remember(response)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def csrf(self, page: str = "/login") -> str:
        """The forms' token; it belongs to the CSRF cookie, so it is fetched once per cookie."""
        cookie = self.cookies.get("kj_csrf", "")
        if cookie and self._csrf.get(cookie):
            return self._csrf[cookie]
        found = CSRF.search(self.get(page).text)
        if found is None:
            raise AssertionError(f"no CSRF token on {page}")
        self._csrf[self.cookies.get("kj_csrf", "")] = found.group(1)
        return found.group(1)

    def post_form(
        self, path: str, data: dict[str, Any], page: str = "/login", **kwargs: Any
    ) -> httpx.Response:
        token = self.csrf(page)
        return self.request("POST", path, data={**data, "csrf_token": token}, **kwargs)

    def sign_in(self, username: str, password: str) -> httpx.Response:
        response = self.post_form("/login", {"username": username, "password": password})
        assert response.status_code == 303, response.text[:500]
        return response

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.request(method, path, **kwargs)

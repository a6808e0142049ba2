"""Signing staff in through both steps, as an authenticator app would answer."""

from __future__ import annotations

import re
import time

import pyotp

from tests.server.client import Browser
from tests.server.people import Person

SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')
_secrets: dict[str, str] = {}
_used: dict[str, int] = {}


def next_code(username: str) -> str:
    """A code the server has not seen for this account (each is accepted once)."""
    totp = pyotp.TOTP(_secrets[username])
    step = int(time.time()) // 30
    if _used.get(username, -1) >= step:
        step = _used[username] + 1
    _used[username] = step
    return totp.at(step * 30)


def sign_in_staff(browser: Browser, person: Person) -> None:
    response = browser.post_form(
        "/login", {"username": person.username, "password": person.password}
    )
    assert response.status_code == 303, response.text[:300]
    if response.headers["location"] == "/login/enrol":
        page = browser.get("/login/enrol").text
        found = SECRET.search(page)
        assert found, page[:500]
        _secrets[person.username] = found.group(1)
        _used.pop(person.username, None)
        step = browser.post_form(
            "/login/enrol", {"code": next_code(person.username)}, page="/login/enrol"
        )
    else:
        assert response.headers["location"] == "/login/totp"
        step = browser.post_form(
            "/login/totp", {"code": next_code(person.username)}, page="/login/totp"
        )
    assert step.status_code == 303, step.text[:500]

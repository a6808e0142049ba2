"""OWASP ASVS level 1 checks of the server, through two app processes.

What is tested: a new session at every sign-in (no fixation) and after the second
factor; cookie flags (``__Host-`` prefix, Secure, HttpOnly, SameSite=Strict); logout
ends the session everywhere; lockout after five failures for a username (whether it
exists or not) and throttling per address; the second factor (required, each code
once); one-time reset links; CSRF on every form and for cross-site requests; security
headers on pages, API answers, redirects and errors; error answers without stack
traces; passwords in no log, table or page.
What is NOT tested: TLS (the reverse proxy's; docs/server.md).
"""

from __future__ import annotations

import pytest

from kratom_journal.services.server import accounts
from tests.server.client import Browser
from tests.server.people import PASSWORD, new_person
from tests.server.totp import next_code, sign_in_staff

pytestmark = pytest.mark.postgres

WRONG = "this-is-not-the-password-1"


def _session_cookie(browser: Browser) -> str:
    return browser.cookies.get("__Host-kj_session", "")


def test_sign_in_starts_a_new_session(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "fix")
    browser.cookies["__Host-kj_session"] = "attacker-chosen-value"
    browser.sign_in(person.username, person.password)
    first = _session_cookie(browser)
    assert first and first != "attacker-chosen-value"
    assert browser.get("/").status_code == 200
    browser.sign_in(person.username, person.password)
    assert _session_cookie(browser) not in ("", first)
    planted = Browser(browser.bases, cookies={"__Host-kj_session": "attacker-chosen-value"})
    assert planted.get("/").status_code == 303  # a planted value never becomes a session
    planted.close()


def test_cookie_flags(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "flags")
    browser.sign_in(person.username, person.password)
    session = [h for h in browser.set_cookie_headers if h.startswith("__Host-kj_session=")]
    csrf = [h for h in browser.set_cookie_headers if h.startswith("kj_csrf=")]
    for header in (session[-1], csrf[-1]):
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        assert {"httponly", "secure", "path=/", "samesite=strict"} <= flags, header
        assert not any(f.startswith("domain") for f in flags), header


def test_logout_ends_the_session_in_every_process(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "out")
    browser.sign_in(person.username, person.password)
    token = _session_cookie(browser)
    assert browser.post_form("/logout", {}, page="/").status_code == 303
    for base in browser.bases:
        replay = Browser([base], cookies={"__Host-kj_session": token})
        assert replay.get("/").status_code == 303
        assert replay.get("/api/v1/moods").status_code == 401
        replay.close()


def test_lockout_after_five_failures(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "lock")
    here = {"x-forwarded-for": "198.51.100.7"}
    for _ in range(5):
        response = browser.post_form(
            "/login", {"username": person.username, "password": WRONG}, headers=here
        )
        assert response.status_code == 401
    refused = browser.post_form(
        "/login", {"username": person.username, "password": PASSWORD}, headers=here
    )
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    ghost = {"username": "nobody-by-this-name", "password": WRONG}
    answers = [browser.post_form("/login", ghost, headers=here).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]  # an unknown name is locked the same way
    other = new_person(server_db, "other")
    browser.sign_in(other.username, other.password)  # another account is not affected
    assert accounts.find_account(server_db, person.id).locked


def test_throttling_per_address(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    there = {"x-forwarded-for": "203.0.113.9"}
    for i in range(20):
        data = {"username": f"spray-{i}", "password": WRONG}
        assert browser.post_form("/login", data, headers=there).status_code == 401
    person = new_person(server_db, "sprayed")
    good = {"username": person.username, "password": PASSWORD}
    assert browser.post_form("/login", good, headers=there).status_code == 429
    assert (
        browser.post_form("/login", good, headers={"x-forwarded-for": "203.0.113.10"}).status_code
        == 303
    )


def test_staff_need_the_second_factor_and_each_code_works_once(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    clinician = new_person(server_db, "twofa", role="clinician")
    response = browser.post_form("/login", {"username": clinician.username, "password": PASSWORD})
    assert response.headers["location"] == "/login/enrol"
    assert browser.get("/clinic").headers["location"] == "/login/enrol"  # not signed in yet
    browser.cookies.clear()
    sign_in_staff(browser, clinician)
    assert browser.get("/clinic").status_code == 200
    browser.post_form("/logout", {}, page="/clinic")
    browser.post_form("/login", {"username": clinician.username, "password": PASSWORD})
    code = next_code(clinician.username)
    assert browser.post_form("/login/totp", {"code": code}, page="/login").status_code == 303
    browser.post_form("/logout", {}, page="/clinic")
    browser.post_form("/login", {"username": clinician.username, "password": PASSWORD})
    replayed = browser.post_form("/login/totp", {"code": code}, page="/login")
    assert replayed.status_code == 401
    assert browser.get("/clinic").status_code == 303


def test_reset_links_work_once(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "reset")
    token = accounts.issue_reset_link(server_db, person.id, person.id)
    new_password = "a brand new passphrase"
    page = f"/reset/{token}"
    assert browser.get(page).status_code == 200
    assert browser.post_form(page, {"password": new_password}, page=page).status_code == 200
    assert browser.get(page).status_code == 404
    browser.sign_in(person.username, new_password)
    bad = browser.post_form("/login", {"username": person.username, "password": PASSWORD})
    assert bad.status_code == 401


def test_csrf(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "csrf")
    browser.sign_in(person.username, person.password)
    missing = browser.request("POST", "/log/mood", data={"mood": "5"})
    assert missing.status_code == 403
    forged = browser.request("POST", "/log/mood", data={"mood": "5", "csrf_token": "0" * 64})
    assert forged.status_code == 403
    token = browser.csrf("/")
    other = Browser(browser.bases, cookies={"__Host-kj_session": _session_cookie(browser)})
    stolen = other.request("POST", "/log/mood", data={"mood": "5", "csrf_token": token})
    assert stolen.status_code == 403  # the token belongs to the first browser's CSRF cookie
    other.close()
    cross = browser.request(
        "POST",
        "/log/mood",
        data={"mood": "5", "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert browser.api("GET", "/api/v1/moods").json() == []


def test_security_headers_everywhere(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "headers")
    anonymous = [
        browser.get("/login"),
        browser.get("/"),
        browser.get("/api/v1/moods"),
        browser.get("/healthz"),
    ]
    browser.sign_in(person.username, person.password)
    signed_in = [
        browser.get("/"),
        browser.get("/api/v1/moods"),
        browser.get("/no-such-page"),
        browser.get("/entries/deadbeef/edit"),
    ]
    for response in anonymous + signed_in:
        headers = response.headers
        assert "default-src 'none'" in headers["content-security-policy"], response.url
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        assert "server" not in headers


def test_errors_show_no_stack_traces(server_db, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    person = new_person(server_db, "errors")
    browser.sign_in(person.username, person.password)
    answers = [
        browser.get("/entries/%00%ff/edit"),
        browser.api(
            "POST",
            "/api/v1/moods",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        browser.api("POST", "/api/v1/moods", json={"mood": 99}),
        browser.api(
            "POST",
            "/api/v1/share/sync",
            json={"format": "x"},
            headers={"authorization": "Bearer nope"},
        ),
        browser.api("POST", "/api/v1/share/join", json={"code": "zzzz"}),
        browser.get("/join?code=" + "x" * 60),
        browser.request("POST", "/login", data={"username": ["a", "b"]}),
    ]
    for response in answers:
        assert 400 <= response.status_code < 500, (response.url, response.status_code)
        for marker in ("Traceback", 'File "', "sqlalchemy", "psycopg", "/site-packages/"):
            assert marker not in response.text, (response.url, marker)


def test_passwords_are_never_logged(server_db, browser: Browser, apps, server_urls) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    person = new_person(server_db, "secret")
    marker = "Pa55word-that-must-not-leak"
    browser.post_form("/login", {"username": person.username, "password": marker})
    browser.post_form("/login", {"username": marker, "password": marker})
    token = accounts.issue_reset_link(server_db, person.id, person.id)
    browser.post_form(f"/reset/{token}", {"password": marker + "-new"}, page=f"/reset/{token}")
    browser.sign_in(person.username, marker + "-new")
    for app in apps:
        logs = app.logs()
        assert marker not in logs and person.username not in logs
        assert '"event":"request"' in logs
    dsn = server_urls.owner.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute("SET app.maintenance = 'on'")
        for table in ("audit_log", "login_failures", "accounts", "web_sessions", "reset_links"):
            text = str(conn.execute(f"SELECT * FROM {table}").fetchall())
            assert marker not in text, table
            assert (marker + "-new") not in text, table

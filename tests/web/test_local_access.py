"""``kj serve`` needs its per-start secret on loopback too; another account gets 403."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kratom_journal.web import WebSettings, create_app, server
from tests.other_account import OtherAccount
from tests.web.test_server import free_port, listening_addresses, stop


@dataclass
class Running:
    url: str
    port: int
    token_file: Path
    printed: str = ""


@pytest.fixture
def running(shared_folder: Path) -> Iterator[Running]:
    """``kj serve`` on loopback over a journal in a folder other accounts may enter."""
    port = free_port()
    db = shared_folder / "journal.sqlite3"
    env = {**os.environ, "KRATOM_JOURNAL_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kratom_journal", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    token_file = server.token_file(str(db), port)
    state = Running(f"http://127.0.0.1:{port}", port, token_file)
    try:
        deadline = time.monotonic() + 60  # a bound on waiting, generous on a busy machine
        while time.monotonic() < deadline and not (
            listening_addresses(port) and token_file.exists()
        ):
            time.sleep(0.1)
        assert listening_addresses(port) == {"127.0.0.1"}
        yield state
    finally:
        state.printed = stop(process)
    assert not token_file.exists()  # removed when the server stops
    token_line = next(line for line in state.printed.splitlines() if "?token=" in line)
    assert f"{state.url}/?token=" in token_line


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        return None


def test_loopback_server_refuses_requests_without_its_secret(running: Running) -> None:
    token = running.token_file.read_text().strip()
    assert len(token) >= 32
    assert running.token_file.stat().st_mode & 0o777 == 0o600
    for path in ("/", "/api/v1/doses", "/static/app.css", "/history"):
        assert status_of(running.url + path) == 403, path
    assert status_of(running.url + "/api/v1/doses", {"authorization": "Bearer wrong"}) == 403
    bearer = {"authorization": f"Bearer {token}"}
    assert status_of(running.url + "/api/v1/doses", bearer) == 200
    assert status_of(f"{running.url}/?token={token}") == 303  # the link sets the cookie


def test_another_account_gets_403_and_cannot_read_the_token(
    running: Running, other_account: OtherAccount
) -> None:
    for path in ("/", "/api/v1/doses", "/today"):
        answered = other_account.run(
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", running.url + path
        )
        assert answered.stdout == "403", (path, answered)
    posted = other_account.run(
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-H",
        "content-type: application/json",
        "-d",
        '{"amount": "3g", "taken_at": "2026-11-01T09:00:00+01:00"}',
        running.url + "/api/v1/doses",
    )
    assert posted.stdout == "403"
    refused = other_account.run("cat", str(running.token_file))
    assert refused.returncode != 0 and "Permission denied" in refused.stderr


def test_cookies_are_named_for_the_port_and_ignored_by_other_ports(web_db: Path) -> None:
    settings = WebSettings(db=str(web_db), access_token="a-secret-for-port-8000")
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as first:
        entered = first.get("/?token=a-secret-for-port-8000", follow_redirects=False)
        cookies = entered.headers.get_list("set-cookie")
        assert any(c.startswith("kj_access_8000=") for c in cookies)
        page = first.get("/")
        assert page.status_code == 200
        assert any(c.startswith("kj_csrf_8000=") for c in page.headers.get_list("set-cookie"))
        jar = dict(first.cookies)
    with TestClient(app, base_url="http://127.0.0.1:8001") as other_port:
        # A browser sends a host's cookies to every port: the server on 8001 reads only
        # the cookies named for 8001, so 8000's cookies get it nowhere.
        for name, value in jar.items():
            other_port.cookies.set(name, value)
        assert other_port.get("/").status_code == 403
        assert other_port.get("/api/v1/doses").status_code == 403


def test_a_cookie_from_another_ports_server_is_refused_even_renamed(web_db: Path) -> None:
    """Each start draws its own token: the access cookie of the server on one port opens
    nothing on a server started on another port, even sent under that port's name."""
    first = create_app(WebSettings(db=str(web_db), access_token="token-of-the-8000-start"))
    second = create_app(WebSettings(db=str(web_db), access_token="token-of-the-8001-start"))
    with TestClient(first, base_url="http://127.0.0.1:8000") as client:
        client.get("/?token=token-of-the-8000-start", follow_redirects=False)
        value = client.cookies.get("kj_access_8000")
    assert value
    with TestClient(second, base_url="http://127.0.0.1:8001") as other:
        other.cookies.set("kj_access_8001", value)
        other.cookies.set("kj_access_8000", value)
        assert other.get("/").status_code == 403
        assert other.get("/api/v1/doses").status_code == 403

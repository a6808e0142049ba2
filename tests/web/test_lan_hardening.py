"""The served app under hostile clients: idle sockets, token guessing, off-site paths, odd queries.

What is tested, on a real uvicorn server on loopback with the options ``kj serve``
uses (``web.connections``): 200 idle connections from one address do not stop a
client with the token from getting an answer within 1 s, and the server keeps
no more than its cap of them open; a connection that never finishes its request
head is closed after the header deadline; 1,000 wrong tokens are checked at no
more than 10 a second (the rest answered 429); a token link on ``//evil.example/``
redirects to a path of this site; malformed or extreme query values answer 4xx,
never 500. What is NOT tested: HTTPS (its own tests).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kratom_journal.web.connections import MAX_IDLE_PER_ADDRESS, connection_options
from tests.web.browser_support import live_server

TOKEN = "right-token-for-the-test-0123456789"


def _serve(db: Path, header_timeout: float = 10.0) -> Iterator[str]:
    options = connection_options(header_timeout=header_timeout)
    with live_server(db, access_token=TOKEN, **options) as url:
        yield url


@pytest.fixture
def served(web_db: Path) -> Iterator[str]:
    yield from _serve(web_db)


@pytest.fixture
def quick_deadline(web_db: Path) -> Iterator[str]:
    yield from _serve(web_db, header_timeout=0.5)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def test_idle_connections_do_not_lock_out_the_owner(served: str) -> None:
    owner = httpx.Client(base_url=served, headers={"authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert owner.get("/api/v1/settings").status_code == 200  # the control, before the attack
    owner.close()
    owner = httpx.Client(base_url=served, headers={"authorization": f"Bearer {TOKEN}"}, timeout=5)
    idle = [socket.create_connection(("127.0.0.1", _port(served))) for _ in range(200)]
    try:
        time.sleep(0.3)
        started = time.monotonic()
        answer = owner.get("/api/v1/settings")  # a new connection, after the 200 idle ones
        took = time.monotonic() - started
        assert answer.status_code == 200, answer.text
        assert took < 1.0, took
        open_ones = sum(_still_open(s) for s in idle)
        assert open_ones <= MAX_IDLE_PER_ADDRESS, open_ones
    finally:
        owner.close()
        for sock in idle:
            sock.close()


def test_a_request_head_that_never_ends_is_closed(quick_deadline: str) -> None:
    sock = socket.create_connection(("127.0.0.1", _port(quick_deadline)))
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sock.settimeout(5)
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, nothing answered
        assert time.monotonic() - started < 3
    finally:
        sock.close()


def test_wrong_tokens_are_checked_at_most_ten_a_second(served: str) -> None:
    checked = limited = 0
    started = time.monotonic()
    with httpx.Client(base_url=served, timeout=5) as client:
        for attempt in range(1000):
            status = client.get(f"/?token=wrong-{attempt}").status_code
            checked += status == 403
            limited += status == 429
    elapsed = time.monotonic() - started
    assert checked + limited == 1000
    burst = 10
    assert checked <= burst + 10 * elapsed, (checked, elapsed)
    assert checked / max(elapsed, 1.0) <= 10 + burst


def test_a_token_link_never_leaves_the_site(served: str) -> None:
    with httpx.Client(base_url=served, timeout=5) as client:
        answer = client.get(f"//evil.example/?token={TOKEN}", follow_redirects=False)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil.example" not in httpx.URL(served).join(location).host


@pytest.mark.parametrize(
    "path",
    [
        "/report.pdf?from=bad",
        "/report.pdf?from=2024-05-01&to=2024-01-01",
        "/report.pdf?from=0001-01-01&to=9999-12-31",
        "/report?from=bad",
        "/report?from=2024-05-01&to=2024-01-01",
        "/history?since=9999-12-31&until=0001-01-01",
        "/?day=99999-01-01",
        "/api/v1/doses?since=0001-01-01&until=9999-12-31",
        "/api/v1/doses?limit=99999999999999999999999",
        "/sleep?nights=999999999999",
    ],
)
def test_malformed_or_extreme_queries_are_refused_not_crashed(client, path: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(path)
    assert answer.status_code < 500, (path, answer.status_code)
    if answer.status_code >= 400:
        assert "internal error" not in answer.text.lower()

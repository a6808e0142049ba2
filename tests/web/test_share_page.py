"""The local app's Share page without a server: what it asks, and its one-line refusals.

What is tested: the page and its form; a server address that is not HTTPS (other than
this machine's loopback) is refused before anything is sent; an unreachable server is
one line. Sharing with a real server: tests/server/test_share_sync.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kratom_journal.services.share_client import ShareError, check_server


def test_the_share_page_asks_for_a_server_and_a_code(client: TestClient) -> None:
    page = client.get("/share")
    assert page.status_code == 200
    assert 'name="server"' in page.text and 'name="code"' in page.text


def test_plain_http_to_another_machine_is_refused_without_sending(client: TestClient) -> None:
    page = client.get("/share", params={"server": "http://192.0.2.1", "code": "abcd"})
    assert page.status_code == 422
    assert "must use https" in page.text


def test_an_unreachable_server_is_one_line(client: TestClient) -> None:
    page = client.get("/share", params={"server": "http://127.0.0.1:9", "code": "abcd"})
    assert page.status_code == 422 and "cannot reach the server" in page.text


def test_server_addresses() -> None:
    assert check_server("https://journal.example.org/") == "https://journal.example.org"
    assert check_server("http://localhost:8080") == "http://localhost:8080"
    for bad in ("ftp://x", "journal.example.org", "http://journal.example.org"):
        with pytest.raises(ShareError):
            check_server(bad)

"""Fixtures for the web app: an app over a fresh journal, a test client, form helpers."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from kratom_journal.store.journal import open_journal  # noqa: E402
from kratom_journal.web import WebSettings, create_app  # noqa: E402

TOKEN_PATTERN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def web_db(tmp_path: Path) -> Path:
    path = tmp_path / "web-journal.sqlite3"
    journal = open_journal(path)
    journal.settings.set("timezone", "Europe/Berlin")
    journal.settings.set("country", "DE")
    journal.close()
    return path


@pytest.fixture
def web_settings(web_db: Path) -> WebSettings:
    return WebSettings(db=str(web_db))


@pytest.fixture
def client(web_settings: WebSettings) -> Iterator[TestClient]:
    app = create_app(web_settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def csrf_token(client: TestClient, page: str = "/") -> str:
    """The CSRF token a page's forms carry (the client keeps the cookie it belongs to)."""
    found = TOKEN_PATTERN.search(client.get(page).text)
    if found is None:
        raise AssertionError(f"no CSRF token on {page}")
    return found.group(1)


def post_form(client: TestClient, url: str, data: dict[str, Any], page: str = "/",
              **kwargs: Any) -> Any:
    """Submit a form the way a browser does: token from the page, no redirect following."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)},
                       follow_redirects=False, **kwargs)

"""Fixtures for the web app: an app over a fresh journal, a test client, form helpers."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

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


def post_form(
    client: TestClient, url: str, data: dict[str, Any], page: str = "/", **kwargs: Any
) -> Any:
    """Submit a form the way a browser does: token from the page, no redirect following."""
    return client.post(
        url, data={**data, "csrf_token": csrf_token(client, page)}, follow_redirects=False, **kwargs
    )


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    from tests.web.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; the CI set-up must install it")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_url(web_db: Path) -> Iterator[str]:
    """A real uvicorn server over a fresh journal, on a free loopback port."""
    from tests.web.browser_support import live_server

    with live_server(web_db) as url:
        yield url


class Screenshot(Protocol):
    def __call__(self, page: Any, name: str, full_page: bool = True) -> None: ...


@pytest.fixture
def screenshot(screenshot_dir: Path) -> Screenshot:
    """Save a page as ``NAME.png`` in the run's screenshot folder (``screenshot_dir``)."""
    from tests.web.browser_support import screenshot as save

    def take(page: Any, name: str, full_page: bool = True) -> None:
        save(page, screenshot_dir, name, full_page)

    return take

"""A name such as ``<!--<script>`` is text on every page: it never swallows the page after it.

What is tested, in headless chromium over a real server: with a medicine, an
other substance, a strain, a side effect and a note all named
``<!--<script>alert(1)</script>``, every page of the navigation shows its footer
(nothing after a chart was swallowed), shows the name as text where the page
lists it, runs no injected script, and every chart's JSON still parses.
What is NOT tested: the report PDF (rendered by WeasyPrint from escaped HTML).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from kratom_journal.domain.entries import Dose, MoodCheckin, SideEffect, Symptom, Unit
from kratom_journal.services.safety import declare_medicine
from kratom_journal.store.journal import bulk_add, new_id, open_journal
from kratom_journal.web.views import NAV
from tests.web.browser_support import DESKTOP, live_server

NAME = "<!--<script>alert(1)</script>"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def hostile_db(web_db: Path) -> Path:
    journal = open_journal(web_db)
    now = datetime.now(BERLIN).replace(microsecond=0)
    items: list[tuple[str, Any]] = []
    for day in range(1, 15):
        at = now - timedelta(days=day)
        items.append((new_id(), Dose(at, 3.0, Unit.G, strain=NAME, note=NAME)))
        items.append(
            (new_id(), Dose(at + timedelta(hours=1), 20, Unit.MG, substance=f"medication:{NAME}"))
        )
        items.append((new_id(), MoodCheckin(at + timedelta(hours=2), mood=5, note=NAME)))
    items.append(
        (
            new_id(),
            SideEffect(now - timedelta(days=1), symptom=Symptom.OTHER, severity=2, note=NAME),
        )
    )
    with journal.session() as session:
        bulk_add(session, items, source="manual")
    declare_medicine(journal, NAME)
    journal.close()
    return web_db


def test_the_name_is_text_on_every_page(chromium: Any, hostile_db: Path) -> None:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with live_server(hostile_db) as url:
            for _, path, _ in NAV:
                page.goto(url + path)
                expect(page.locator("footer")).to_be_visible()
                charts = page.locator('script[type="application/json"]')
                for index in range(charts.count()):
                    text = charts.nth(index).text_content() or ""
                    assert "<" not in text, path
                    page.evaluate("t => JSON.parse(t)", text)
                if path in ("/", "/history", "/safety"):
                    assert NAME in page.locator("main").inner_text(), path
            assert dialogs == []
    finally:
        context.close()

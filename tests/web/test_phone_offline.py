"""The installed phone app in headless Debian chromium: installable, and logging offline.

What is tested: the manifest and icons validate and a service worker with a fetch
handler controls the page on http://127.0.0.1 (a secure context); Chromium's own
installability check finds nothing missing; three entries logged with the context
offline survive a reload (served from the worker's cache) and reach the journal
exactly once when it is online again; an entry whose answer was lost on the way is
not written twice when sent again; an entry the journal refuses stays in the outbox
with the journal's field-named message.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from kratom_journal.domain.entries import Kind
from kratom_journal.store.journal import open_journal
from tests.web.browser_support import PHONE

pytestmark = pytest.mark.browser

BANNER = "#outbox-status"


def phone(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def controlled(page: Any, url: str) -> None:
    """Open Today and wait until the service worker controls it."""
    page.goto(url + "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def moods(db: Path) -> list[int]:
    journal = open_journal(db)
    try:
        found = [s.entry for s in journal.entries.list() if s.kind is Kind.MOOD]
    finally:
        journal.close()
    return sorted(int(entry.mood) for entry in found)


def log_mood(page: Any, value: int | None) -> None:
    form = page.locator("form[action='/log/mood']")
    if value is not None:
        form.locator(f"label[for=f-mood-mood-{value}]").click()
    form.get_by_role("button", name="Save mood").click()


def outbox_empty(page: Any) -> None:
    """Wait (up to 15 s) until the outbox in IndexedDB holds nothing."""
    deadline = time.monotonic() + 15
    while page.evaluate("window.kjOutbox.entries().then(e => e.length)"):
        assert time.monotonic() < deadline, "the outbox did not empty"
        time.sleep(0.1)


def waiting(page: Any, count: int) -> None:
    words = "1 entry waiting to sync" if count == 1 else f"{count} entries waiting to sync"
    page.wait_for_function(
        "(w) => (document.querySelector('#outbox-status').textContent || '').includes(w)", arg=words
    )


def test_manifest_and_service_worker_make_the_app_installable(chromium: Any, live_url: str) -> None:
    page = phone(chromium)
    controlled(page, live_url)
    assert page.evaluate("window.isSecureContext")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    for field in ("name", "short_name", "start_url", "scope", "display", "icons", "id"):
        assert manifest.get(field), field
    assert manifest["display"] == "standalone"
    assert (live_url + manifest["start_url"]).startswith(live_url + manifest["scope"])
    sizes = page.evaluate(
        """(icons) => Promise.all(icons.filter(i => i.type === 'image/png').map(i =>
            new Promise(ok => { const im = new Image(); im.onload = () =>
                ok([i.sizes, im.naturalWidth + 'x' + im.naturalHeight]); im.src = i.src; })))""",
        manifest["icons"],
    )
    assert sorted(sizes) == [["192x192", "192x192"], ["512x512", "512x512"]]
    worker = page.evaluate("fetch('/sw.js').then(r => r.text())")
    assert 'addEventListener("fetch"' in worker
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_url + "/"
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Headless and incognito-like contexts cannot install; nothing else may be missing.
    assert [e["errorId"] for e in errors if e["errorId"] not in {"in-incognito"}] == []
    page.context.close()


def test_three_entries_logged_offline_sync_exactly_once(
    chromium: Any, live_url: str, web_db: Path
) -> None:
    page = phone(chromium)
    controlled(page, live_url)
    page.context.set_offline(True)
    for value in (3, 5, 7):
        log_mood(page, value)
    waiting(page, 3)
    page.reload()  # from the service worker's cache: the journal cannot be reached
    waiting(page, 3)
    assert moods(web_db) == []
    page.context.set_offline(False)
    outbox_empty(page)
    page.locator("#outbox").wait_for(state="hidden")
    assert moods(web_db) == [3, 5, 7]
    page.reload()
    page.evaluate("window.kjOutbox.sync()")
    assert moods(web_db) == [3, 5, 7]
    page.context.close()


def test_an_entry_whose_answer_was_lost_is_written_once(
    chromium: Any, live_url: str, web_db: Path
) -> None:
    page = phone(chromium)
    controlled(page, live_url)
    page.context.set_offline(True)
    log_mood(page, 4)
    waiting(page, 1)
    lost: list[int] = []

    def write_then_drop(route: Any) -> None:
        answer = route.fetch()  # the journal writes the entry...
        lost.append(answer.status)
        route.abort("connectionreset")  # ...but the phone never hears back

    page.route("**/api/v1/forms/**", write_then_drop)
    page.context.set_offline(False)
    page.evaluate("window.kjOutbox.sync()")
    assert lost and lost[0] == 201
    assert moods(web_db) == [4]
    waiting(page, 1)  # the phone does not know it was saved: it keeps the entry
    page.unroute("**/api/v1/forms/**")
    page.get_by_role("button", name="Retry now").click()
    outbox_empty(page)
    assert moods(web_db) == [4]
    page.context.close()


def test_a_refused_entry_stays_with_its_message(chromium: Any, live_url: str, web_db: Path) -> None:
    page = phone(chromium)
    controlled(page, live_url)
    page.context.set_offline(True)
    log_mood(page, None)  # no mood chosen: the journal will refuse it
    waiting(page, 1)
    page.context.set_offline(False)
    page.evaluate("window.kjOutbox.sync()")
    problem = page.locator("#outbox-problems li .error")
    problem.wait_for()
    assert "mood" in problem.inner_text().lower()
    waiting(page, 1)
    assert moods(web_db) == []
    page.get_by_role("button", name="Discard it").click()
    outbox_empty(page)
    page.context.close()

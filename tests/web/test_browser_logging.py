"""Daily logging in headless Debian chromium on a phone viewport, with the server's clock stopped.

What is tested: a dose at a time later than now is asked about before it is saved,
and the saved entry shows its day; a form sent twice creates one entry; a missed
day three days ago is filled in; after a time-zone change every old night is drawn
at its recorded clock times, and the chart and the table agree; the first run ends
with the chosen country's crisis line as a large tappable ``tel:`` link, and reaches
the first entry in at most 8 taps; once the usual times are known (and one night
has been logged, which gives the minutes to fall asleep) a morning diary takes at
most 3 taps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from kratom_journal.services.clock import FixedClock
from kratom_journal.store.journal import open_journal
from tests.web.browser_support import PHONE, live_server

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 21, 16, tzinfo=BERLIN)  # a Friday evening
CLOCK = FixedClock(NOW)


@pytest.fixture
def stopped_url(web_db: Path) -> Iterator[str]:
    """A server over a set-up journal (Berlin, Germany) whose clock reads ``NOW``."""
    with live_server(web_db, CLOCK) as url:
        yield url


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """A server over a journal never set up (its first run still open)."""
    path = tmp_path / "fresh.sqlite3"
    open_journal(path).close()
    with live_server(path, CLOCK) as url:
        yield url


class Taps:
    """Counts the taps a person makes; each helper below is one tap (a select is two)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def choose(self, locator: Any, value: str) -> None:
        self.count += 2  # open the list, pick the item
        locator.select_option(value)


def phone(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE, timezone_id="Europe/Berlin", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    return page


def test_a_later_time_is_asked_about_and_the_entry_shows_its_day(
    chromium: Any, stopped_url: str
) -> None:
    page = phone(chromium)
    page.goto(stopped_url + "/")
    dose = page.locator("form[action='/log/dose']").last
    dose.locator("[name=amount]").fill("2g")
    dose.locator("[name=at]").fill("21:30")
    dose.get_by_role("button", name="Save dose").click()
    question = page.locator(".question")
    expect(question).to_contain_text("21:30 today (Fri 20 Nov) is in 14 minutes")
    expect(page.locator("#logged")).to_contain_text("Nothing yet today")
    with page.expect_navigation():
        question.get_by_role("button", name="Yesterday, Thu 19 Nov at 21:30").click()
    expect(page.locator(".flash")).to_contain_text("Saved: 2 g · kratom")
    expect(page.locator(".flash")).to_contain_text("Thu 19 Nov 2026 21:30")
    # Asked again, the same time for today is saved as today's.
    dose = page.locator("form[action='/log/dose']").last
    page.locator("form[action='/log/dose']").last.evaluate("f => f.closest('details').open = true")
    dose.locator("[name=amount]").fill("1g")
    dose.locator("[name=at]").fill("21:30")
    dose.get_by_role("button", name="Save dose").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Today, Fri 20 Nov at 21:30").click()
    expect(page.locator(".flash")).to_contain_text("Fri 20 Nov 2026 21:30")
    expect(page.locator("#logged li")).to_have_count(1)
    page.context.close()


def test_a_form_sent_twice_creates_one_entry(chromium: Any, stopped_url: str) -> None:
    page = phone(chromium)
    page.goto(stopped_url + "/")
    page.locator("label[for=f-mood-mood-6]").click()
    statuses = page.evaluate("""async () => {
        const form = document.querySelector("form[action='/log/mood']");
        const send = () => fetch(form.action, {method: "POST", body: new FormData(form),
                                               redirect: "manual"});
        const answers = await Promise.all([send(), send()]);
        return answers.map(a => a.type === "opaqueredirect" ? 303 : a.status);
    }""")
    assert statuses == [303, 303]
    page.goto(stopped_url + "/")
    expect(page.locator("#logged li")).to_have_count(1)
    # A double tap on the button itself sends one entry too.
    page.locator("label[for=f-mood-mood-3]").click()
    page.locator("form[action='/log/mood']").get_by_role("button", name="Save mood").dblclick()
    # The second click may abort the first click's navigation (the browser's own
    # double submit), so wait for the page that lands, not for one navigation.
    expect(page).to_have_url(re.compile(r"saved="))
    expect(page.locator("#logged li")).to_have_count(2)
    page.goto(stopped_url + "/")  # nothing arrives later either
    expect(page.locator("#logged li")).to_have_count(2)
    page.context.close()


def test_repeated_quick_doses_are_asked_about_not_summed(chromium: Any, stopped_url: str) -> None:
    page = phone(chromium)
    page.goto(stopped_url + "/")
    dose = page.locator("form[action='/log/dose']").last
    dose.locator("[name=amount]").fill("3.5g")
    dose.get_by_role("button", name="Save dose").click()
    expect(page.locator("#logged li")).to_have_count(1)
    for _ in range(3):  # tap after tap within the same minute: each is a question
        page.goto(stopped_url + "/")
        page.get_by_role("button", name="Log the same as last time, now").click()
        expect(page.locator(".question")).to_contain_text("Log it again?")
    expect(page.locator("#logged li")).to_have_count(1)
    page.context.close()


def test_a_missed_day_three_days_ago_is_filled_in(chromium: Any, stopped_url: str) -> None:
    page = phone(chromium)
    page.goto(stopped_url + "/")
    page.locator("#f-day").fill("2026-11-17")
    with page.expect_navigation():
        page.get_by_role("button", name="Open").click()
    expect(page.locator("h1")).to_contain_text("Tue 17 Nov 2026")
    expect(page.locator("#sleep-title + details summary")).to_contain_text("Mon 16 Nov 2026")
    sleep = page.locator("form[action='/log/sleep']")
    for name, value in (
        ("bed_at", "23:00"),
        ("tried_at", "23:10"),
        ("sol_min", "20"),
        ("awakenings", "1"),
        ("waso_min", "10"),
        ("final_wake_at", "06:40"),
        ("out_of_bed_at", "07:00"),
    ):
        sleep.locator(f"[name={name}]").fill(value)
    sleep.locator("label[for=f-sleep-quality-3]").click()
    with page.expect_navigation():
        sleep.get_by_role("button", name="Save night").click()
    expect(page.locator("#sleep-title + p")).to_contain_text("night of Mon 16 Nov 2026")
    mood = page.locator("form[action='/log/mood']")
    mood.locator("label[for=f-mood-mood-5]").click()
    mood.locator("[name=at]").fill("18:00")
    with page.expect_navigation():
        mood.get_by_role("button", name="Save mood").click()
    expect(page.locator("#logged-title")).to_contain_text("Logged on Tue 17 Nov 2026")
    expect(page.locator("#logged")).to_contain_text("Tue 17 Nov 2026 18:00")
    page.goto(stopped_url + "/")
    expect(page.locator("#logged")).to_contain_text("Nothing yet today")
    page.context.close()


def test_after_a_zone_change_old_nights_keep_their_recorded_clock(
    chromium: Any, stopped_url: str
) -> None:
    page = phone(chromium)
    for back, (bed, rise) in enumerate((("22:30", "07:00"), ("23:15", "06:45")), start=1):
        day = (NOW.date() - timedelta(days=back - 1)).isoformat()
        page.goto(f"{stopped_url}/?day={day}" if back > 1 else stopped_url + "/")
        sleep = page.locator("form[action='/log/sleep']")
        for name, value in (
            ("bed_at", bed),
            ("tried_at", bed),
            ("sol_min", "15"),
            ("awakenings", "0"),
            ("waso_min", "0"),
            ("final_wake_at", rise),
            ("out_of_bed_at", rise),
        ):
            sleep.locator(f"[name={name}]").fill(value)
        sleep.locator("label[for=f-sleep-quality-4]").click()
        with page.expect_navigation():
            sleep.get_by_role("button", name="Save night").click()
    page.goto(stopped_url + "/settings")
    page.locator("#f-settings-timezone").fill("america/new_york")  # any letter case
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flash")).to_be_visible()
    page.goto(stopped_url + "/sleep?nights=7")
    page.wait_for_selector("#sleep-chart.drawn")
    bars = page.evaluate("""() => {
        const bed = document.getElementById('sleep-chart').data.find(t => t.name === 'in bed (diary)');
        return bed.base.map((b, i) => [b, b + bed.x[i], bed.hovertext[i]]);
    }""")
    table = page.locator("table").first.locator("tbody").text_content() or ""
    for bed, rise in (("22:30", "07:00"), ("23:15", "06:45")):
        start = _hours_after_six_pm(bed)
        end = _hours_after_six_pm(rise) + 24
        assert any(
            abs(b - start) < 0.01 and abs(e - end) < 0.01 and f"{bed}–{rise}" in text
            for b, e, text in bars
        ), (bed, rise, bars)
        assert f"{bed}–{rise}" in table  # the table beside it says the same clock times
    assert "Berlin time" in table  # and says in which zone they were recorded
    page.context.close()


def _hours_after_six_pm(clock: str) -> float:
    hours, minutes = (int(part) for part in clock.split(":"))
    return hours + minutes / 60 - 18


def test_first_run_to_first_entry_in_eight_taps_with_a_tappable_crisis_line(
    chromium: Any, fresh_url: str
) -> None:
    page = phone(chromium)
    taps = Taps(page)
    page.goto(fresh_url + "/")
    expect(page).to_have_url(fresh_url + "/welcome")
    expect(page.locator("#f-welcome-timezone")).to_have_value("Europe/Berlin")  # from the device
    taps.choose(page.locator("#f-welcome-country"), "DE")
    with page.expect_navigation():
        taps.click(page.get_by_role("button", name="Save and continue"))
    crisis = page.locator(".crisis-line")
    expect(crisis).to_contain_text("TelefonSeelsorge")
    call = crisis.locator("a[href^='tel:']").first
    expect(call).to_be_visible()
    assert call.get_attribute("href").startswith("tel:")
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44  # a large target for a finger
    with page.expect_navigation():
        taps.click(page.get_by_role("link", name="Start logging"))
    taps.click(page.locator("label[for=f-mood-mood-6]"))
    with page.expect_navigation():
        taps.click(page.locator("form[action='/log/mood']").get_by_role("button", name="Save mood"))
    expect(page.locator("#logged li")).to_have_count(1)
    assert taps.count <= 8, taps.count


def test_a_typical_morning_diary_takes_three_taps(chromium: Any, fresh_url: str) -> None:
    page = phone(chromium)
    page.goto(fresh_url + "/welcome")
    page.locator("#f-welcome-country").select_option("DE")
    page.locator("#f-welcome-usual-bedtime").fill("23:00")
    page.locator("#f-welcome-usual-rise-time").fill("07:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    # The first morning: the usual times are filled in; the minutes to fall asleep are typed.
    page.goto(fresh_url + "/?day=2026-11-19")
    sleep = page.locator("form[action='/log/sleep']")
    expect(sleep.locator("[name=bed_at]")).to_have_value("23:00")
    expect(sleep.locator("[name=out_of_bed_at]")).to_have_value("07:00")
    sleep.locator("[name=sol_min]").fill("20")
    sleep.locator("label[for=f-sleep-quality-3]").click()
    with page.expect_navigation():
        sleep.get_by_role("button", name="Save night").click()
    expect(page.locator("#sleep-title + p")).to_contain_text("Logged: night")
    # A typical morning after that: everything is filled in; rate the night and save.
    page.goto(fresh_url + "/")
    taps = Taps(page)
    sleep = page.locator("form[action='/log/sleep']")
    expect(sleep.locator("[name=sol_min]")).to_have_value("20")
    taps.click(sleep.locator("label[for=f-sleep-quality-4]"))
    with page.expect_navigation():
        taps.click(sleep.get_by_role("button", name="Save night"))
    expect(page.locator("#sleep-title + p")).to_contain_text("Logged: night")
    assert taps.count <= 3, taps.count
    page.context.close()

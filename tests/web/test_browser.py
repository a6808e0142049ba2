"""The web app in headless Debian chromium: phone and desktop, keyboard only, accessibility."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kratom_journal.web.views import NAV
from tests.web.browser_support import DESKTOP, PHONE, axe_violations, tab_to
from tests.web.conftest import Screenshot

pytestmark = pytest.mark.browser

PAGES = [href for _, href, _ in NAV]


def new_page(chromium: Any, viewport: dict[str, int], **options: Any) -> Any:
    context = chromium.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(30000)  # a bound on waiting, generous on a busy machine
    return page


def log_night(page: Any) -> None:
    form = page.locator("form[action='/log/sleep']")
    for name, value in (
        ("bed_at", "22:40"),
        ("tried_at", "23:00"),
        ("sol_min", "25"),
        ("awakenings", "2"),
        ("waso_min", "20"),
        ("final_wake_at", "06:35"),
        ("out_of_bed_at", "07:05"),
    ):
        form.locator(f"[name={name}]").fill(value)
    form.locator("label[for=f-sleep-quality-4]").click()
    form.get_by_role("button", name="Save night").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_log_dose_night_and_mood(
    chromium: Any, live_url: str, viewport: dict[str, int], screenshot: Screenshot
) -> None:
    page = new_page(chromium, viewport)
    page.goto(live_url + "/")
    dose = page.locator("form[action='/log/dose']").last
    dose.locator("[name=amount]").fill("3.5g")
    dose.locator("[name=strain]").fill("Red Bali")
    dose.locator("[name=form]").select_option("powder")
    dose.get_by_role("button", name="Save dose").click()
    expect(page.locator(".flash")).to_contain_text("Saved: 3.5 g · kratom · Red Bali · powder")
    log_night(page)
    expect(page.locator("#sleep-title + p")).to_contain_text("Logged: night")
    mood = page.locator("form[action='/log/mood']")
    mood.locator("label[for=f-mood-mood-6]").click()
    mood.locator("label[for=f-mood-anxiety-3]").click()
    mood.get_by_role("button", name="Save mood").click()
    logged = page.locator("#logged").inner_text()
    assert "mood 6/10, anxiety 3/10" in logged and "3.5 g · kratom" in logged
    name = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"today-{name}")
    page.goto(live_url + "/sleep?nights=7")
    page.wait_for_selector("#sleep-chart.drawn")
    bars = page.evaluate("document.getElementById('sleep-chart').data[0].x.length")
    assert bars == 1  # the new night is on the chart
    screenshot(page, f"sleep-{name}")
    page.context.close()


def test_quick_log_repeats_the_last_dose(chromium: Any, live_url: str) -> None:
    page = new_page(chromium, PHONE)
    page.goto(live_url + "/")
    dose = page.locator("form[action='/log/dose']").last
    dose.locator("[name=amount]").fill("2g")
    dose.locator("[name=strain]").fill("Green Maeng Da")
    dose.get_by_role("button", name="Save dose").click()
    expect(page.locator("#logged li")).to_have_count(1)
    # The same dose again within minutes is asked about (formerly it was logged at once).
    page.get_by_role("button", name="Log the same as last time, now").click()
    expect(page.locator(".question")).to_contain_text("Log it again?")
    expect(page.locator("#logged li")).to_have_count(1)
    page.locator("label[for=f-dose-confirm]").click()
    with page.expect_navigation():
        page.locator("form[action='/log/dose']").last.get_by_role(
            "button", name="Save dose"
        ).click()
    expect(page.locator("#logged li")).to_have_count(2)
    page.context.close()


def test_bad_input_is_shown_beside_the_field(chromium: Any, live_url: str) -> None:
    page = new_page(chromium, PHONE)
    page.goto(live_url + "/")
    dose = page.locator("form[action='/log/dose']").last
    dose.locator("[name=amount]").fill("-2g")
    dose.get_by_role("button", name="Save dose").click()
    expect(page.locator("#f-dose-amount")).to_have_value("-2g")
    assert page.locator("#f-dose-amount-error").is_visible()
    page.context.close()


def test_edit_and_undo(chromium: Any, live_url: str) -> None:
    page = new_page(chromium, PHONE)
    page.goto(live_url + "/")
    mood = page.locator("form[action='/log/mood']")
    mood.locator("label[for=f-mood-mood-4]").click()
    mood.get_by_role("button", name="Save mood").click()
    page.locator("#logged").get_by_role("link", name="Edit").click()
    page.locator("#f-edit-mood").fill("7")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_contain_text("Changed: mood 7/10")
    expect(page.locator("#logged")).to_contain_text("mood 7/10")
    page.locator(".flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#logged")).to_contain_text("mood 4/10")
    # Delete asks first; its undo banner is in the entry's own row, where the person is.
    page.locator("#logged summary", has_text="Delete").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("#logged li.deleted .flash")).to_contain_text("Deleted: mood 4/10")
    page.locator(".flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#logged")).to_contain_text("mood 4/10")
    page.context.close()


def test_every_request_goes_to_the_apps_own_origin(chromium: Any, live_url: str) -> None:
    seed(live_url)
    page = new_page(chromium, DESKTOP)
    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    drawn = 0
    for path in PAGES:
        page.goto(live_url + path)
        page.wait_for_load_state("networkidle")
        drawn += page.evaluate("document.querySelectorAll('.plot.drawn').length")
    assert drawn >= 2  # the charts really rendered under the policy
    assert any(u.endswith("/vendor/plotly.min.js") for u in seen)
    foreign = [u for u in seen if not (u.startswith(live_url + "/") or u.startswith("data:"))]
    assert foreign == []
    # The only thing the policy blocks is the map stylesheet inside Plotly's bundle.
    assert [e for e in errors if "Applying inline style violates" not in e] == []
    page.context.close()


def seed(live_url: str) -> None:
    """A night, a dose and a mood through the JSON API, so the pages have something to show."""
    import json
    import urllib.request
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    # The dose is yesterday evening's: a time later than now is never taken without its day.
    yesterday = (datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)).isoformat()
    for path, body in (
        (
            "/api/v1/sleep",
            {
                "bed_at": "22:40",
                "tried_at": "23:00",
                "sol_min": 25,
                "awakenings": 2,
                "waso_min": 20,
                "final_wake_at": "06:35",
                "out_of_bed_at": "07:05",
                "quality": 3,
            },
        ),
        (
            "/api/v1/doses",
            {"amount": "3g", "strain": "Red Bali", "at": "20:30", "date": yesterday},
        ),
        ("/api/v1/moods", {"mood": 6, "anxiety": 3}),
    ):
        request = urllib.request.Request(
            live_url + path,
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            assert response.status == 201


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [*PAGES, "/surveys/phq9", "/phone-setup"])
def test_every_page_passes_axe_and_fits_a_phone(
    chromium: Any, live_url: str, path: str, scheme: str
) -> None:
    seed(live_url)
    # axe-core is injected as a script; each page is checked in both colour schemes.
    page = new_page(chromium, PHONE, bypass_csp=True, color_scheme=scheme)
    page.goto(live_url + path)
    page.wait_for_load_state("networkidle")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(part) for part in re.findall(r"\d+", background)[:3])
    assert (red + green + blue < 255) is (scheme == "dark"), background
    assert axe_violations(page) == [], path
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.context.close()


def test_forms_work_with_the_keyboard_alone(chromium: Any, live_url: str) -> None:
    page = new_page(chromium, DESKTOP)
    page.goto(live_url + "/")
    tab_to(page, "#f-dose-amount")
    page.keyboard.type("3g")
    tab_to(page, "form[action='/log/dose'] button[type=submit]:not(.big.quick)")
    with page.expect_navigation():  # the old page's flash must not satisfy the wait
        page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    tab_to(page, "#f-mood-mood-0")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    tab_to(page, "form[action='/log/mood'] button[type=submit]")
    with page.expect_navigation():  # the old page's flash must not satisfy the wait
        page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    expect(page.locator("#logged")).to_contain_text("mood 5/10")
    summary = "form[action='/log/side-effect']"
    page.goto(live_url + "/")
    tab_to(page, "#se-title + details > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#f-side-effect-symptom")
    tab_to(page, "#f-side-effect-severity-0")
    page.keyboard.press("ArrowRight")
    tab_to(page, f"{summary} button[type=submit]")
    with page.expect_navigation():  # the old page's flash must not satisfy the wait
        page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    expect(page.locator("#logged")).to_contain_text("severity 1/3")
    page.goto(live_url + "/settings")
    tab_to(page, "#f-settings-country")
    page.keyboard.press("Control+A")
    page.keyboard.type("US")
    tab_to(page, "form[action='/settings'] button[type=submit]")
    with page.expect_navigation():  # the old page's flash must not satisfy the wait
        page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    page.goto(live_url + "/history")
    tab_to(page, "#f-history-kind")
    tab_to(page, "form[action='/history'] button[type=submit]")
    page.keyboard.press("Enter")
    tab_to(page, "ul.entries a.button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#f-edit-note")
    tab_to(page, "#f-edit-note")
    page.keyboard.type("typed by keyboard")
    tab_to(page, "form[action$='/edit'] button[type=submit]")
    with page.expect_navigation():  # the old page's flash must not satisfy the wait
        page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    page.goto(live_url + "/import")
    tab_to(page, "#f-import-file")
    tab_to(page, "#f-import-source")
    page.goto(live_url + "/safety")
    tab_to(page, "#f-medicine-name")
    page.keyboard.type("sertraline")
    tab_to(page, "form[action='/safety/medicines'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#medicines li")
    expect(page.locator("#medicines")).to_contain_text("sertraline")
    page.goto(live_url + "/surveys/gad7")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    tab_to(page, "#answer-0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=question 2 of")
    page.context.close()


def test_phq9_item_nine_shows_crisis_resources_first(
    chromium: Any, live_url: str, screenshot: Screenshot
) -> None:
    page = new_page(chromium, PHONE)
    page.goto(live_url + "/surveys/phq9")
    page.get_by_role("button", name="Start").click()
    answers = [
        "Several days",
        "Not at all",
        "Not at all",
        "Not at all",
        "Not at all",
        "Not at all",
        "Not at all",
        "Not at all",
        "Several days",
    ]
    for index, label in enumerate(answers):
        page.get_by_text(label, exact=True).click()
        page.get_by_role("button", name="Next").click()
        if index == 8:  # the very next screen already leads with the crisis resources
            assert page.locator("main > :first-child").get_attribute("class") == "crisis"
    page.get_by_text("Not difficult at all", exact=True).click()
    page.get_by_role("button", name="Next").click()
    first = page.locator("main > :first-child")
    assert first.get_attribute("class") == "crisis"
    assert first.is_visible()
    assert page.locator(".score").is_visible()
    screenshot(page, "phq9-crisis-phone")
    page.context.close()


def test_upload_a_small_apple_health_export(
    chromium: Any, live_url: str, tmp_path: Any, screenshot: Screenshot
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.web.browser_support import apple_health_export

    last = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)
    export = apple_health_export(tmp_path, [last - timedelta(days=i) for i in range(3)])
    page = new_page(chromium, PHONE)
    page.goto(live_url + "/import")
    page.set_input_files("#f-import-file", str(export))
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("#import-summary", timeout=20000)
    summary = page.locator("#import-summary").inner_text()
    assert "added" in summary or "night" in summary
    screenshot(page, "import-phone")
    page.goto(live_url + "/sleep?nights=7")
    page.wait_for_selector("#sleep-chart.drawn")
    names = page.evaluate("document.getElementById('sleep-chart').data.map(t => t.name)")
    # The export has stages: the chart draws them over the night, one legend entry each.
    assert {"wearable light", "wearable deep", "wearable rem"} <= set(names)
    expect(page.locator("#wear-title ~ .table-wrap")).to_contain_text("Apple Watch")
    page.context.close()


def test_plan_an_experiment_and_see_tonights_assignment(
    chromium: Any, live_url: str, screenshot: Screenshot
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    page = new_page(chromium, PHONE)
    page.goto(live_url + "/experiments")
    form = page.locator("form[action='/experiments/plan']")
    form.locator("[name=condition_a]").fill("Red Bali at my usual amount")
    form.locator("[name=condition_b]").fill("Green Maeng Da at the same amount")
    form.locator("[name=pairs]").fill("6")
    form.locator("[name=start]").fill(datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat())
    form.get_by_role("button", name="Plan").click()
    page.get_by_role("button", name="Start: draw and freeze the schedule").click()
    expect(page.locator(".calendar li")).to_have_count(12)
    screenshot(page, "experiments-phone")
    page.goto(live_url + "/")
    panel = page.locator(".assignment")
    assert "Tonight" in panel.inner_text()
    assert ("Red Bali" in panel.inner_text()) or ("Green Maeng Da" in panel.inner_text())
    page.context.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from kratom_journal.demo.build import build_demo_journal

    journal, path = build_demo_journal(tmp_path_factory.mktemp("demo") / "demo.sqlite3", days=120)
    journal.close()
    return path


DEMO_SHOTS = {
    "phone": ["/", "/sleep", "/mood", "/insights", "/experiments", "/safety"],
    "desktop": ["/sleep", "/insights"],
}


@pytest.mark.parametrize("device", sorted(DEMO_SHOTS))
def test_demo_journal_pages_render_for_the_screenshots(
    chromium: Any, demo_db: Any, device: str, screenshot: Screenshot
) -> None:
    """The pages over the demo journal, on a phone and a desktop; the docs show these."""
    from tests.web.browser_support import live_server

    names = {
        "/": "today",
        "/sleep": "sleep",
        "/mood": "mood",
        "/insights": "insights",
        "/experiments": "experiments",
        "/safety": "safety",
    }
    errors: list[str] = []
    with live_server(demo_db) as url:
        page = new_page(chromium, PHONE if device == "phone" else DESKTOP)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for route in DEMO_SHOTS[device]:
            response = page.goto(url + route)
            assert response is not None and response.status == 200, route
            page.wait_for_load_state("networkidle")
            # Long pages are shown as their first screen.
            screenshot(page, f"demo-{names[route]}-{device}", full_page=route in ("/", "/sleep"))
        page.context.close()
    assert errors == []


def test_demo_insights_page_fits_four_phone_screens_and_leads_with_the_answer(
    chromium: Any, demo_db: Any, screenshot: Screenshot
) -> None:
    """The demo journal's Insights page on a phone: short, accessible, the answer first."""
    from tests.web.browser_support import live_server

    with live_server(demo_db) as url:
        page = new_page(chromium, PHONE, bypass_csp=True)  # axe-core is injected as a script
        page.goto(url + "/insights")
        expect(page.locator("main p.answer").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        first = page.locator("main p").first
        assert "answer" in (first.get_attribute("class") or "").split()
        assert first.inner_text().count(". ") == 0
        assert page.locator("main details[open]").count() == 0
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 4 * PHONE["height"], height
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe_violations(page) == []
        # Opening a family's details shows the exploratory rest and the method.
        page.locator("main details summary").first.click()
        expect(page.locator("main details[open]")).to_have_count(1)
        expect(page.locator("main details[open] .hint").first).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, "demo-insights-phone-full", full_page=True)
        page.context.close()

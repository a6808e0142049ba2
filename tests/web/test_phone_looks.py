"""The phone app's looks: axe in light and dark, the tab bar never covers the crisis
resources, and the docs' screenshots of Today, the tab bar and the offline banner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.browser_support import PHONE, axe_violations
from tests.web.test_phone_offline import controlled, log_mood, waiting
from tests.web.test_questionnaires import answer_all

pytestmark = pytest.mark.browser


def phone(chromium: Any, scheme: str = "light") -> Any:
    # CSP bypassed only so that axe-core can be injected as a script.
    context = chromium.new_context(
        viewport=PHONE, has_touch=True, color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def with_banner(page: Any, url: str) -> None:
    """Today with one entry waiting in the outbox (logged while offline)."""
    controlled(page, url)
    page.context.set_offline(True)
    log_mood(page, 6)
    waiting(page, 1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_passes_on_today_with_tab_bar_and_banner(
    chromium: Any, live_url: str, scheme: str
) -> None:
    page = phone(chromium, scheme)
    with_banner(page, live_url)
    page.emulate_media(color_scheme=scheme)
    assert page.locator("nav.tabbar").is_visible()
    assert page.locator("#outbox").is_visible()
    assert axe_violations(page) == []
    page.goto(live_url + "/more")  # from the worker's cache, still offline
    assert axe_violations(page) == []
    page.context.close()


def test_tab_bar_replaces_the_rows_of_links_on_a_phone(chromium: Any, live_url: str) -> None:
    page = phone(chromium)
    page.goto(live_url + "/sleep")
    tabs = page.locator("nav.tabbar")
    assert tabs.is_visible()
    assert not page.locator("header nav.pages").is_visible()
    assert tabs.get_by_role("link", name="Sleep").get_attribute("aria-current") == "page"
    assert [a.inner_text() for a in tabs.get_by_role("link").all()] == [
        "Today",
        "Sleep",
        "Insights",
        "Safety",
        "More",
    ]
    tabs.get_by_role("link", name="More").click()
    page.get_by_role("link", name="Settings").click()
    assert page.url.endswith("/settings")
    desktop = page.context.browser.new_page(viewport={"width": 1280, "height": 900})
    desktop.goto(live_url + "/")
    assert desktop.locator("header nav.pages").is_visible()
    assert not desktop.locator("nav.tabbar").is_visible()
    desktop.close()
    page.context.close()


def test_the_tab_bar_never_covers_the_crisis_resources(
    chromium: Any, client: TestClient, live_url: str
) -> None:
    answer_all(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
    page = phone(chromium)
    page.goto(live_url + "/")
    crisis = page.locator("section.crisis")
    assert crisis.is_visible()
    bar_top = page.locator("nav.tabbar").bounding_box()["y"]
    # Scrolled so that its end is at the bottom of the screen, it ends above the bar.
    crisis.evaluate("el => el.scrollIntoView({block: 'end'})")
    box = crisis.bounding_box()
    assert box["y"] + box["height"] <= bar_top + 0.5
    # And the page's very end also rests above the bar.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    foot = page.locator("footer.foot").bounding_box()
    assert foot["y"] + foot["height"] <= bar_top + 0.5
    page.context.close()


def test_phone_screenshots(
    chromium: Any, live_url: str, screenshot: Callable[[Any, str, bool], None]
) -> None:
    page = phone(chromium)
    controlled(page, live_url)
    screenshot(page, "phone-today", True)
    screenshot(page, "phone-tab-bar", False)
    with_banner(page, live_url)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "phone-offline-banner", False)
    page.context.close()

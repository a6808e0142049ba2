"""The terminal crisis screen shows every line, the directory and the no-alert statement."""

from __future__ import annotations

from rich.console import Console

from kratom_journal.cli.crisis_view import show_crisis
from kratom_journal.safety.crisis import crisis_resources


def _render(country: str | None) -> str:
    target = Console(record=True, width=100, force_terminal=False)
    show_crisis(crisis_resources(country), target)
    return target.export_text()


def test_us_screen() -> None:
    text = _render("US")
    for expected in (
        "988 Suicide & Crisis Lifeline",
        "call 988",
        "text 988",
        "Emergency number: 911",
        "findahelpline.com",
        "alerts no one",
        "verified 2026-",
    ):
        assert expected in text


def test_screen_without_country_is_not_empty() -> None:
    text = _render(None)
    assert "findahelpline.com" in text and "alerts no one" in text
    assert "no crisis line on file" in text

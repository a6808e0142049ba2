"""Today's consistency panel from a real journal: entries per local day and the morning streak."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kratom_journal.services import entries
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.consistency import logging_consistency
from kratom_journal.services.settings import read_settings
from kratom_journal.store.journal import Journal

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 27, 21, 0, tzinfo=BERLIN)  # two days after the clocks went back
CLOCK = FixedClock(NOW)


def test_entries_per_day_and_streak_over_the_clock_change(journal: Journal) -> None:
    journal.settings.set("timezone", "Europe/Berlin")
    settings = read_settings(journal)
    for night in ("2026-10-24", "2026-10-25", "2026-10-26"):
        data = entries.SleepInput(night, "22:30", "23:00", 15, 1, 10, "06:30", "06:45", 4)
        entries.log_sleep(journal, data, settings=settings, clock=CLOCK)
    # 23:30 on the night the clocks went back is still the 25th in Berlin.
    entries.log_mood(journal, 5, at="23:30", day="2026-10-25", settings=settings, clock=CLOCK)
    entries.log_mood(journal, 6, at="00:30", day="2026-10-26", settings=settings, clock=CLOCK)
    found = logging_consistency(journal, settings, NOW.date())
    by_day = {c.day: c for c in found.cells}
    assert found.streak == 3  # the mornings of the 25th, 26th and 27th
    assert by_day[date(2026, 10, 25)].entries == 2  # its morning diary and the 23:30 mood
    assert by_day[date(2026, 10, 26)].entries == 2
    assert by_day[date(2026, 10, 27)].morning
    assert not by_day[date(2026, 10, 24)].morning
    assert "3 mornings in a row" in found.text

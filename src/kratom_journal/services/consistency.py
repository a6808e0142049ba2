"""The consistency panel of Today: logged days of the last weeks and the morning streak."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from kratom_journal.domain.consistency import (
    WEEKS_SHOWN,
    DayCell,
    heat_map,
    local_day,
    morning_of,
    morning_streak,
    summary,
)
from kratom_journal.domain.entries import Kind, SleepDiaryEntry
from kratom_journal.services.entry_views import entry_time
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal


@dataclass(frozen=True)
class Consistency:
    """What the panel shows: one cell per day, the streak and a sentence saying both."""

    cells: list[DayCell]
    streak: int
    text: str


def logging_consistency(
    journal: Journal, settings: JournalSettings, today: date, weeks: int = WEEKS_SHOWN
) -> Consistency:
    """Entries per day (in the journal's zone) and the logged mornings up to ``today``."""
    since = today - timedelta(weeks=weeks + 1)
    per_day: Counter[date] = Counter()
    mornings: set[date] = set()
    for stored in journal.entries.list(since=since, tz=settings.zone):
        if stored.kind is Kind.SLEEP and isinstance(stored.entry, SleepDiaryEntry):
            morning = morning_of(stored.entry.night)
            mornings.add(morning)
            per_day[morning] += 1
        else:
            per_day[local_day(entry_time(stored), settings.zone)] += 1
    cells = heat_map(per_day, mornings, today, weeks)
    streak = morning_streak(mornings, today)
    return Consistency(cells=cells, streak=streak, text=summary(cells, streak))

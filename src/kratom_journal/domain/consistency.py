"""Consistency of logging: which days have entries, and the streak of logged mornings.

About logging only: a logged day is a day with any entry, a logged morning a night
whose sleep diary was filled in (the diary of the night before a day is written
that morning). Nothing here counts doses or days without them.

>>> from datetime import date
>>> morning_streak({date(2026, 3, 1), date(2026, 3, 2)}, today=date(2026, 3, 3))
2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

WEEKS_SHOWN = 12


@dataclass(frozen=True)
class DayCell:
    """One day of the heat-map: how many entries, and whether its morning diary is in."""

    day: date
    entries: int
    morning: bool
    future: bool

    @property
    def level(self) -> str:
        """``none``, ``some`` (entries) or ``full`` (the morning diary too): the cell's shade."""
        if self.morning:
            return "full"
        return "some" if self.entries else "none"

    @property
    def label(self) -> str:
        """The cell in words, for screen readers and a hover title."""
        when = f"{self.day:%a} {self.day.day} {self.day:%b}"
        if self.future:
            return f"{when}: still to come"
        count = (
            "nothing logged"
            if not self.entries
            else ("1 entry" if self.entries == 1 else f"{self.entries} entries")
        )
        return f"{when}: {count}" + (", morning diary filled in" if self.morning else "")


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day of ``moment`` in the journal's zone (DST-safe: zone-aware)."""
    return moment.astimezone(zone).date()


def morning_of(night: date) -> date:
    """The day whose morning a night's diary is written on."""
    return night + timedelta(days=1)


def morning_streak(mornings: Iterable[date], today: date) -> int:
    """Consecutive logged mornings up to today (or up to yesterday, if today's is not in yet)."""
    logged = set(mornings)
    day = today if today in logged else today - timedelta(days=1)
    streak = 0
    while day in logged:
        streak += 1
        day -= timedelta(days=1)
    return streak


def heat_map(
    entries_per_day: Mapping[date, int],
    mornings: Iterable[date],
    today: date,
    weeks: int = WEEKS_SHOWN,
) -> list[DayCell]:
    """Whole weeks (Monday to Sunday) ending with today's, oldest first."""
    logged_mornings = set(mornings)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    cells = []
    for offset in range(weeks * 7):
        day = first + timedelta(days=offset)
        cells.append(
            DayCell(
                day=day,
                entries=entries_per_day.get(day, 0),
                morning=day in logged_mornings,
                future=day > today,
            )
        )
    return cells


def summary(cells: list[DayCell], streak: int) -> str:
    """The heat-map in one sentence."""
    past = [c for c in cells if not c.future]
    logged = sum(1 for c in past if c.entries)
    mornings = sum(1 for c in past if c.morning)
    streak_text = (
        "no morning diary in a row yet"
        if streak == 0
        else ("1 morning in a row" if streak == 1 else f"{streak} mornings in a row")
    )
    return (
        f"Logged on {logged} of the last {len(past)} days; morning diary on {mornings} "
        f"of them; {streak_text}."
    )

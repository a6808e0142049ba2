"""The sleep diary's questions and how each answer is read: one wording for both faces.

The web form shows :attr:`DiaryItem.label` beside each field and the
:attr:`DiaryItem.question` as its hint; ``kj log sleep`` asks the question and
reads each answer with :func:`read_answer` as soon as it is given, so a bad answer
is asked again at once, and only that one, with the same message the form shows.
The rules are the diary's own (:mod:`kratom_journal.domain.diary_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from kratom_journal.domain.diary_rules import check_diary_item, diary_order_problem
from kratom_journal.domain.entries import Kind, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.timeparse import night_time, parse_clock
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal


@dataclass(frozen=True, slots=True)
class DiaryItem:
    """One diary question: the entry field, a short label, the full question, its answer type."""

    name: str
    label: str
    question: str
    kind: Literal["time", "int"]


DIARY_ITEMS: tuple[DiaryItem, ...] = (
    DiaryItem("bed_at", "Into bed", "What time did you get into bed?", "time"),
    DiaryItem("tried_at", "Tried to sleep", "What time did you try to go to sleep?", "time"),
    DiaryItem(
        "sol_min", "Minutes to fall asleep", "How long did it take you to fall asleep?", "int"
    ),
    DiaryItem(
        "awakenings",
        "Times woken (not the last)",
        "How many times did you wake up, not counting your final awakening?",
        "int",
    ),
    DiaryItem(
        "waso_min",
        "Minutes awake in those",
        "In total, how long did these awakenings last?",
        "int",
    ),
    DiaryItem("final_wake_at", "Final awakening", "What time was your final awakening?", "time"),
    DiaryItem(
        "out_of_bed_at", "Out of bed", "What time did you get out of bed for the day?", "time"
    ),
    DiaryItem(
        "quality",
        "Quality of sleep",
        "How would you rate the quality of your sleep? 1 very poor to 5 very good",
        "int",
    ),
)
"""The core Consensus Sleep Diary items, in the order the diary asks them (Carney et al., 2012)."""

ITEMS_BY_NAME = {item.name: item for item in DIARY_ITEMS}


def read_answer(
    name: str,
    text: str,
    given: Mapping[str, object],
    night: date,
    zone: tzinfo,
) -> object:
    """One answer, read and checked against the answers ``given`` so far.

    Raises :class:`InvalidEntry` naming ``name`` (the answer just given) when the
    answer cannot be read or contradicts an earlier one, so only it is asked again.

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> bed = read_answer("bed_at", "23:00", {}, date(2024, 5, 1), berlin)
    >>> read_answer("tried_at", "22:30", {"bed_at": bed}, date(2024, 5, 1), berlin)
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: tried_at: time tried to sleep is before time into bed
    """
    item = ITEMS_BY_NAME[name]
    value: object
    if item.kind == "time":
        if parse_clock(text.strip(), name) is None:
            raise InvalidEntry(f"expected a clock time like 23:15, got {text!r}", name)
        value = night_time(text, night, zone, name)
    else:
        try:
            value = int(text.strip())
        except ValueError:
            raise InvalidEntry(f"expected a whole number, got {text!r}", name) from None
        check_diary_item(name, value)
    problem = diary_order_problem({**given, name: value})
    if problem is not None:
        raise InvalidEntry(problem.message, name)
    return value


def answer_text(value: object) -> str:
    """An answer as the entry input takes it back (clock times as ``HH:MM``)."""
    return f"{value:%H:%M}" if isinstance(value, datetime) else str(value)


def usual_clock(text: str | None) -> str:
    """A usual time from the settings (``HH:MM``), or ``""`` when none is set or readable."""
    if not text:
        return ""
    try:
        clock = parse_clock(text.strip())
    except InvalidEntry:
        return ""
    return f"{clock:%H:%M}" if isinstance(clock, time) else ""


PREFILL_DAYS = 14
"""The diary is pre-filled from a night at most this many days before the one asked."""


def diary_prefill(journal: Journal, settings: JournalSettings, night: date) -> dict[str, str]:
    """What the diary form shows before the person changes anything, for ``night``.

    The clock times are the person's usual bed and rise times when they gave them,
    else those of their latest diary night of the last two weeks; the counts are that
    night's. With no usual times and no recent night, nothing is filled in; with
    usual times but no recent night, the awakenings start at none. It is the
    person's own typical night, never a target.
    """
    latest = _latest_night(journal, night)
    values: dict[str, str] = {}
    if latest is not None:
        values = {
            "bed_at": f"{latest.bed_at:%H:%M}",
            "tried_at": f"{latest.tried_at:%H:%M}",
            "sol_min": str(latest.sol_min),
            "awakenings": str(latest.awakenings),
            "waso_min": str(latest.waso_min),
            "final_wake_at": f"{latest.final_wake_at:%H:%M}",
            "out_of_bed_at": f"{latest.out_of_bed_at:%H:%M}",
        }
    bed, rise = usual_clock(settings.usual_bedtime), usual_clock(settings.usual_rise_time)
    if bed:
        values.update(bed_at=bed, tried_at=bed)
    if rise:
        values.update(final_wake_at=rise, out_of_bed_at=rise)
    if (bed or rise) and latest is None:
        values.update(awakenings="0", waso_min="0")
    return values


def _latest_night(journal: Journal, night: date) -> SleepDiaryEntry | None:
    since = datetime.combine(night - timedelta(days=PREFILL_DAYS), time(0), tzinfo=UTC)
    until = datetime.combine(night, time(0), tzinfo=UTC)
    found = [
        s.entry
        for s in journal.entries.list(Kind.SLEEP, since=since, until=until)
        if isinstance(s.entry, SleepDiaryEntry) and s.entry.night < night
    ]
    return max(found, key=lambda e: e.night, default=None)

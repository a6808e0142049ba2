"""How an entry reads: one line about it, and its time on the clock it was recorded with.

Both faces print entries through these, so the command line and the web show the
same clock times. Each entry is shown at the local time of the zone it was logged
in, whatever the journal's zone is now; where that zone differs from the
journal's current one, the time says so ("22:30 New York time").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratom_journal.domain.days import local_time, zone_or_none
from kratom_journal.domain.entries import Dose, Entry, MoodCheckin, SleepDiaryEntry
from kratom_journal.domain.serialize import entry_to_dict
from kratom_journal.domain.words import (
    amount_text,
    day_text,
    plural,
    substance_text,
    zone_time_label,
)
from kratom_journal.sleep.metrics import diary_metrics
from kratom_journal.store.journal import StoredEntry


def summary_text(stored: StoredEntry) -> str:
    """One short line describing an entry (used in lists and confirmations)."""
    return entry_summary(stored.entry)


def entry_summary(entry: Entry) -> str:
    """One short line describing an entry's content (its time is shown beside it)."""
    if isinstance(entry, Dose):
        parts = [amount_text(entry.amount, entry.unit), substance_text(entry.substance)]
        parts += [
            p for p in (entry.strain, entry.form.value if entry.form else None, entry.product) if p
        ]
        return " · ".join(parts)
    if isinstance(entry, SleepDiaryEntry):
        return (
            f"night of {day_text(entry.night)}: in bed {entry.bed_at:%H:%M}–"
            f"{entry.out_of_bed_at:%H:%M}, {entry.sol_min} min to fall asleep, "
            f"{plural(entry.awakenings, 'awakening')} ({entry.waso_min} min awake), "
            f"quality {entry.quality}/5"
        )
    if isinstance(entry, MoodCheckin):
        extra = "".join(
            f", {name} {value}/10"
            for name, value in (("anxiety", entry.anxiety), ("energy", entry.energy))
            if value is not None
        )
        return f"mood {entry.mood}/10{extra}"
    return f"{entry.symptom.value.replace('_', ' ')}, severity {entry.severity}/3"


def entry_time(stored: StoredEntry) -> datetime:
    """The instant an entry is listed at (a diary night at its time into bed)."""
    entry = stored.entry
    if isinstance(entry, Dose):
        return entry.taken_at
    if isinstance(entry, SleepDiaryEntry):
        return entry.bed_at
    return entry.at


def recorded_local(instant: datetime, zone: str | None) -> datetime:
    """``instant`` on the clock it was recorded with: its zone's, else its own offset."""
    return local_time(instant, zone)


def zone_note(instant: datetime, zone: str | None, journal_zone: str) -> str:
    """`` New York time`` when the entry's clock is not the journal's current one, else ``""``.

    >>> from datetime import UTC
    >>> moment = datetime(2024, 5, 2, 2, 30, tzinfo=UTC)
    >>> zone_note(moment, "America/New_York", "Europe/Berlin")
    ' New York time'
    >>> zone_note(moment, "Europe/Berlin", "Europe/Berlin")
    ''
    """
    if zone:
        return "" if zone == journal_zone else f" {zone_time_label(zone)}"
    current = zone_or_none(journal_zone) or ZoneInfo("UTC")
    offset = instant.utcoffset() or timedelta(0)
    if instant.astimezone(current).utcoffset() == offset:
        return ""
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds() // 60))
    return f" UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def clock_text(instant: datetime, zone: str | None, journal_zone: str) -> str:
    """``22:30``, or ``22:30 New York time`` when recorded in another zone."""
    return f"{recorded_local(instant, zone):%H:%M}{zone_note(instant, zone, journal_zone)}"


def when_text(stored: StoredEntry, journal_zone: str, with_day: bool = True) -> str:
    """When an entry happened, as recorded: ``Wed 02 Dec 2026 21:30 (New York time)``.

    A diary night is named by its evening: ``night of Tue 01 Dec 2026``.
    """
    entry = stored.entry
    if isinstance(entry, SleepDiaryEntry):
        return f"night of {day_text(entry.night)}"
    instant = entry_time(stored)
    local = recorded_local(instant, entry.zone)
    clock = clock_text(instant, entry.zone, journal_zone)
    return f"{day_text(local)} {clock}" if with_day else clock


def entry_view(stored: StoredEntry) -> dict[str, Any]:
    """A listed entry as JSON-ready values: identity, state and the entry's own fields."""
    view: dict[str, Any] = {
        "id": stored.id,
        "kind": stored.kind.value,
        "version": stored.version,
        "created_at": stored.created_at.isoformat(),
        "updated_at": stored.updated_at.isoformat(),
        "deleted_at": stored.deleted_at.isoformat() if stored.deleted_at else None,
        "source": stored.source,
    }
    view.update({k: v for k, v in entry_to_dict(stored.entry).items() if k != "kind"})
    if isinstance(stored.entry, Dose):
        view["strain_key"] = stored.entry.strain_key
        view["grams"] = stored.entry.grams
    if isinstance(stored.entry, SleepDiaryEntry):
        # Derived Consensus Sleep Diary metrics beside the diary items (docs/instruments.md).
        view["metrics"] = diary_metrics(stored.entry)
    return view

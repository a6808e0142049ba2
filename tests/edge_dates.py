"""A journal holding entries at the very edges of the dates the store accepts.

The store takes entries from 1970-01-01 (local, in the entry's own zone) to a day
after the moment of writing. ``fill_edges`` writes one of each kind at both ends,
in the zones furthest from UTC, plus a PHQ-9 with a crisis answer today, so every
summary "from the first to the last day" spans the widest range a journal can hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.domain.entries import (
    Dose,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)
from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services import questionnaires
from kratom_journal.store.journal import Journal

EAST = "Pacific/Kiritimati"  # UTC+14: its 1970-01-01 00:00 is still 1969 in UTC
WEST = "America/Adak"
BERLIN = "Europe/Berlin"


def _night(bed: datetime, hours: float, zone: str) -> SleepDiaryEntry:
    out = bed + timedelta(hours=hours)
    night = (bed - timedelta(hours=12)).date()
    return SleepDiaryEntry(
        night=night,
        bed_at=bed,
        tried_at=bed + timedelta(minutes=10),
        sol_min=15,
        awakenings=1,
        waso_min=10,
        final_wake_at=out - timedelta(minutes=15),
        out_of_bed_at=out,
        quality=3,
        zone=zone,
    )


def fill_edges(journal: Journal) -> None:
    """One entry of each kind at the earliest and the latest instant the store takes."""
    east, west, berlin = ZoneInfo(EAST), ZoneInfo(WEST), ZoneInfo(BERLIN)
    first = datetime(1970, 1, 1, 0, 0, tzinfo=east)
    last = datetime.now(UTC).astimezone(berlin) + timedelta(hours=23)
    for entry in (
        Dose(first, 3.0, Unit.G, zone=EAST),
        Dose(last, 2.0, Unit.G, zone=BERLIN),
        Dose(last - timedelta(hours=1), 200.0, Unit.MG, substance="caffeine", zone=BERLIN),
        MoodCheckin(datetime(1970, 1, 1, 0, 0, tzinfo=west), 5, zone=WEST),
        MoodCheckin(last, 7, anxiety=2, zone=BERLIN),
        SideEffect(first, Symptom.NAUSEA, 1, zone=EAST),
        SideEffect(last, Symptom.NAUSEA, 2, zone=BERLIN),
        _night(datetime(1970, 1, 1, 22, 0, tzinfo=east), 8.5, EAST),
        _night(last - timedelta(hours=9), 9.0, BERLIN),
    ):
        journal.entries.add(entry)
    phq9 = shipped_instrument("phq9")
    questionnaires.record_administration(
        journal, phq9, parse_answer_list(phq9, "1,1,0,0,0,0,0,0,2")
    )

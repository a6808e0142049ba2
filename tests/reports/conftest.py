"""Builders of small journals for report and export tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.store.journal import Journal


def at(day: date, clock: str, zone: str) -> datetime:
    hour, minute = (int(p) for p in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def diary_night(
    night: date,
    zone: str = "Europe/Berlin",
    bed: str = "22:30",
    out: str = "07:00",
    sol: int = 20,
    waso: int = 15,
    quality: int = 3,
) -> SleepDiaryEntry:
    """A night from ``bed`` (evening of ``night``) to ``out`` the next morning."""
    morning = night + timedelta(days=1)
    return SleepDiaryEntry(
        night=night,
        bed_at=at(night, bed, zone),
        tried_at=at(night, bed, zone),
        sol_min=sol,
        awakenings=1 if waso else 0,
        waso_min=waso,
        final_wake_at=at(morning, out, zone) - timedelta(minutes=10),
        out_of_bed_at=at(morning, out, zone),
        quality=quality,
        zone=zone,
    )


def kratom_dose(
    day: date,
    clock: str = "20:30",
    zone: str = "Europe/Berlin",
    form: Form = Form.POWDER,
    strain: str = "Red Bali",
) -> Dose:
    return Dose(
        taken_at=at(day, clock, zone), amount=3.0, unit=Unit.G, form=form, strain=strain, zone=zone
    )


def mood(day: date, value: int = 6, zone: str = "Europe/Berlin") -> MoodCheckin:
    return MoodCheckin(at=at(day, "19:00", zone), mood=value, anxiety=3, zone=zone)


@pytest.fixture
def three_nights(journal: Journal) -> Journal:
    """A journal with three diary nights, a kratom dose and a coffee on each day."""
    start = date(2025, 6, 2)
    for offset in range(3):
        day = start + timedelta(days=offset)
        journal.entries.add(diary_night(day, sol=10 + 20 * offset))
        journal.entries.add(kratom_dose(day))
        journal.entries.add(
            Dose(
                taken_at=at(day + timedelta(days=1), "08:00", "Europe/Berlin"),
                amount=90,
                unit=Unit.MG,
                substance="caffeine",
                zone="Europe/Berlin",
            )
        )
        journal.entries.add(mood(day))
    return journal


@pytest.fixture
def demo_journal(tmp_path: Path) -> Iterator[Journal]:
    """The 150-day demo journal with PHQ-9 and GAD-7 every two weeks."""
    from kratom_journal.demo.build import build_demo_journal
    from kratom_journal.demo.journal import DEMO_ZONE
    from kratom_journal.demo.questionnaires import add_demo_administrations

    end = date(2026, 11, 1)
    journal, _ = build_demo_journal(tmp_path / "demo.sqlite3", days=150, end=end)
    if not _has_administrations(journal):
        add_demo_administrations(journal, end - timedelta(days=150), end, DEMO_ZONE)
    yield journal
    journal.close()


def _has_administrations(journal: Journal) -> bool:
    from kratom_journal.services.questionnaires import list_administrations

    return bool(list_administrations(journal))

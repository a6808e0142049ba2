"""Builders for sleep diary entries in tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.domain.entries import SleepDiaryEntry


def clock(day: date, hhmm: str, zone: str = "UTC") -> datetime:
    """An aware datetime at local clock time ``hhmm`` on ``day``."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo(zone))


def diary(
    night: date,
    bed: str = "22:00",
    tried: str = "22:30",
    sol: int = 18,
    waso: int = 30,
    awakenings: int = 2,
    final_wake: str = "06:30",
    out: str = "06:45",
    quality: int = 3,
    zone: str = "UTC",
    **extra: object,
) -> SleepDiaryEntry:
    """A diary night; times at or after noon fall on ``night``, earlier ones on the next day."""

    def at(hhmm: str) -> datetime:
        day = night if int(hhmm.split(":")[0]) >= 12 else night + timedelta(days=1)
        return clock(day, hhmm, zone)

    return SleepDiaryEntry(
        night=night,
        bed_at=at(bed),
        tried_at=at(tried),
        sol_min=sol,
        awakenings=awakenings,
        waso_min=waso,
        final_wake_at=at(final_wake),
        out_of_bed_at=at(out),
        quality=quality,
        zone=zone,
        **extra,  # type: ignore[arg-type]
    )

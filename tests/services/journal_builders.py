"""Fill a test journal with simulated days quickly (one transaction)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from kratom_journal.domain.entries import Dose, Entry, Form, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.store.journal import Journal, bulk_add, new_id

ZONE = ZoneInfo("Europe/Berlin")
FIRST = date(2026, 1, 5)


def diary(day: date, sol: int, quality: int = 3) -> SleepDiaryEntry:
    base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return SleepDiaryEntry(
        night=day,
        bed_at=base + timedelta(hours=22, minutes=30),
        tried_at=base + timedelta(hours=22, minutes=45),
        sol_min=sol,
        awakenings=1,
        waso_min=10,
        final_wake_at=base + timedelta(hours=30, minutes=30),
        out_of_bed_at=base + timedelta(hours=30, minutes=45),
        quality=quality,
    )


def evening_dose(day: date, grams: float = 3.0, strain: str = "Red Bali") -> Dose:
    base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return Dose(base + timedelta(hours=20), grams, Unit.G, strain=strain, form=Form.POWDER)


def fill(
    journal: Journal,
    days: int,
    seed: int = 0,
    kratom_share: float = 0.5,
    sol_effect: float = 0.0,
    with_diary: bool = True,
) -> None:
    """``days`` days from FIRST: evening kratom at random, diary, mood, some caffeine."""
    rng = np.random.default_rng(seed)
    items: list[Entry] = []
    for i in range(days):
        day = FIRST + timedelta(days=i)
        base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
        dosed = rng.random() < kratom_share
        if dosed:
            items.append(
                evening_dose(
                    day,
                    float(rng.choice([2.0, 3.0, 4.0])),
                    str(rng.choice(["Red Bali", "Green Malay"])),
                )
            )
        if rng.random() < 0.4:
            items.append(Dose(base + timedelta(hours=15), 1, Unit.CUP, substance="caffeine"))
        if with_diary and rng.random() < 0.9:
            sol = int(np.clip(round(25 + sol_effect * dosed + 8 * rng.standard_normal()), 0, 200))
            items.append(diary(day, sol, int(rng.integers(1, 6))))
        if rng.random() < 0.9:
            items.append(
                MoodCheckin(
                    base + timedelta(hours=12),
                    mood=int(rng.integers(2, 9)),
                    anxiety=int(rng.integers(0, 8)),
                )
            )
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in items], source="test")

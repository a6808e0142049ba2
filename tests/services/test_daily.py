"""The per-day table built from journal entries."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.services.daily import build_day_table, diary_metrics

ZONE = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, tzinfo=ZONE) + timedelta(days=day, hours=hour, minutes=minute)


def night(day: int, sol: int = 18, quality: int = 3) -> SleepDiaryEntry:
    return SleepDiaryEntry(
        night=(at(day, 0)).date(),
        bed_at=at(day, 22),
        tried_at=at(day, 22, 30),
        sol_min=sol,
        awakenings=2,
        waso_min=30,
        final_wake_at=at(day + 1, 6, 30),
        out_of_bed_at=at(day + 1, 6, 45),
        quality=quality,
    )


def test_diary_metrics_worked_example() -> None:
    # Bed 22:00, try 22:30, SOL 18, WASO 30, final awakening 06:30, out of bed 06:45:
    # window 480 min -> TST 480 - 18 - 30 = 432 min; TIB 525 min -> SE 82.29 %.
    metrics = diary_metrics(night(0))
    assert metrics["tst_min"] == 432
    assert metrics["se_pct"] == pytest.approx(82.2857, abs=1e-4)


def test_journal_day_starts_at_four() -> None:
    assert journal_day(at(1, 3, 59)) == date(2026, 3, 2)
    assert journal_day(at(1, 4, 0)) == date(2026, 3, 3)


def test_exposures_covariates_and_outcomes() -> None:
    doses = [
        Dose(at(0, 10), 2.0, Unit.G, strain="Red Bali", form=Form.POWDER),  # daytime
        Dose(at(0, 19), 3.0, Unit.G, strain="Bali Red", form=Form.POWDER),  # evening
        # 02:00 -> day 0, taken in bed during night 0: a night dose, not evening exposure
        Dose(at(1, 2), 1.0, Unit.G, strain="Green Malay", form=Form.POWDER),
        Dose(at(0, 15), 1, Unit.CUP, substance="caffeine"),
        Dose(at(1, 13), 1, Unit.CUP, substance="caffeine"),  # before 14:00: not counted
        Dose(at(1, 20), 1, Unit.STANDARD_DRINK, substance="alcohol"),
        Dose(at(2, 20), 0.5, Unit.G, form=Form.SEVEN_OH),
        Dose(at(2, 21), 3, Unit.MG, substance="melatonin"),
    ]
    moods = [MoodCheckin(at(1, 9), mood=6, anxiety=3), MoodCheckin(at(1, 18), mood=8)]
    table = build_day_table(
        doses,
        [night(0, sol=40), night(1, sol=10)],
        moods,
        extra_outcomes={"hrv_ms": {date(2026, 3, 3): 55.0}},
    )
    assert table.dates == (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4))
    col = table.column
    assert col("logged").tolist() == [1, 1, 1]
    assert col("evening_kratom").tolist() == [1, 0, 1]
    assert col("evening_kratom_grams").tolist() == [3.0, 0.0, 0.5]
    assert col("night_kratom").tolist() == [1, 0, 0]
    assert col("kratom_day").tolist() == [1, 0, 1]
    assert col("kratom_before_night").tolist() == [1, 0, 1]
    assert col("daily_kratom_grams").tolist() == [6.0, 0.0, 0.5]
    assert col("doses_per_day").tolist() == [3, 0, 1]
    assert col("seven_oh").tolist() == [0, 0, 1]
    assert col("caffeine_after_14").tolist() == [1, 0, 0]
    assert col("caffeine_late_mg").tolist() == [95, 0, 0]
    assert col("caffeine_morning_mg").tolist() == [0, 95, 0]  # morning caffeine counts
    assert col("alcohol").tolist() == [0, 1, 0]
    assert col("other_substances").tolist() == [0, 0, 1]
    assert col("strain_red_bali")[0] == 1
    assert "strain_green_malay" not in table.columns  # its only dose was a night dose
    assert math.isnan(col("strain_red_bali")[1])  # no evening kratom: not a strain night
    assert col("form_powder")[0] == 1
    assert col("sol_min")[:2].tolist() == [40, 10] and math.isnan(col("sol_min")[2])
    assert col("mood_next_day")[0] == 7.0 and math.isnan(col("mood_next_day")[1])
    assert col("anxiety_next_day")[0] == 3.0
    assert col("hrv_ms")[1] == 55.0
    assert table.weekday.tolist() == [0, 1, 2]


def test_unlogged_days_are_unknown_not_zero() -> None:
    doses = [Dose(at(0, 20), 3.0, Unit.G), Dose(at(3, 20), 3.0, Unit.G)]
    table = build_day_table(doses, [night(0), night(3)], [])
    col = table.column
    assert col("logged").tolist() == [1, 0, 0, 1]
    for name in ("evening_kratom", "kratom_day", "doses_per_day", "caffeine_late_mg", "alcohol"):
        assert np.isnan(col(name)[1:3]).all(), name
    assert col("kratom_day")[[0, 3]].tolist() == [1, 1]


def test_a_dose_before_lights_out_is_evening_and_before_the_night() -> None:
    doses = [Dose(at(0, 22, 10), 2.0, Unit.G), Dose(at(1, 5, 0), 1.0, Unit.G)]
    table = build_day_table(doses, [night(0)], [])
    col = table.column
    # 22:10 is before lights-out (22:30); 05:00 is in bed during night 0 but on journal day 1.
    assert col("evening_kratom").tolist() == [1, 0]
    assert col("night_kratom").tolist() == [0, 1]
    assert col("kratom_before_night").tolist() == [1, 1]


def test_capsules_without_size_leave_grams_unknown() -> None:
    doses = [Dose(at(0, 20), 2, Unit.CAPSULE)]
    table = build_day_table(doses, [], [])
    assert table.column("evening_kratom")[0] == 1
    assert np.isnan(table.column("evening_kratom_grams")[0])


def test_empty_journal_gives_an_empty_table() -> None:
    assert build_day_table([], [], []).n_days == 0

"""Known-answer and property tests for per-night Consensus Sleep Diary metrics.

What is tested: TIB, TST, SE, TWAK on the worked example (TST 432 min,
SE 82.3 %), a bedtime after midnight, both daylight-saving nights in
America/New_York, missing items, flags, the flat dict used by listings, and
the property 0 <= TST <= TIB, 0 <= SE <= 100 for any entry the domain accepts.
What is NOT tested: agreement with polysomnography (the diary overestimates
TST; see docs/instruments.md).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_journal.domain.entries import SleepDiaryEntry, night_of
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.sleep.metrics import (
    diary_metrics,
    night_flags,
    night_metrics,
    sleep_efficiency,
    terminal_wakefulness,
    time_in_bed,
    total_sleep_time,
)

from .builders import clock, diary


def test_worked_example() -> None:
    # Bed 22:00, tried 22:30, SOL 18, WASO 30, final wake 06:30, out 06:45.
    metrics = night_metrics(diary(date(2024, 1, 10)))
    assert metrics.tib_min == 525
    assert metrics.tst_min == 432
    assert round(metrics.se_pct, 1) == 82.3
    assert metrics.twak_min == 15
    assert metrics.sol_min == 18 and metrics.waso_min == 30
    assert metrics.flags == ("se_under_85",)


def test_bedtime_after_midnight_belongs_to_previous_evening() -> None:
    entry = diary(
        date(2024, 1, 10),
        bed="00:30",
        tried="00:45",
        sol=15,
        waso=0,
        awakenings=0,
        final_wake="07:00",
        out="07:30",
    )
    assert night_of(entry.bed_at) == date(2024, 1, 10)
    metrics = night_metrics(entry)
    assert (metrics.tib_min, metrics.tst_min, round(metrics.se_pct, 1)) == (420, 360, 85.7)
    assert metrics.flags == ()


def test_spring_forward_night_is_one_hour_shorter() -> None:
    # Clocks go from 02:00 EST to 03:00 EDT on 10 March 2024.
    entry = diary(date(2024, 3, 9), zone="America/New_York")
    metrics = night_metrics(entry)
    assert metrics.tib_min == 465
    assert metrics.tst_min == 372
    assert round(metrics.se_pct, 1) == 80.0


def test_fall_back_night_is_one_hour_longer() -> None:
    # Clocks go from 02:00 EDT back to 01:00 EST on 3 November 2024.
    entry = diary(date(2024, 11, 2), zone="America/New_York")
    metrics = night_metrics(entry)
    assert metrics.tib_min == 585
    assert metrics.tst_min == 492
    assert round(metrics.se_pct, 1) == 84.1


def test_entry_contradictory_only_in_real_time_is_refused() -> None:
    # 450 minutes of SOL + WASO fit the 8 wall-clock hours but not the 7 real ones.
    with pytest.raises(InvalidEntry, match=r"exceed the night \(420 min\)"):
        diary(date(2024, 3, 9), sol=200, waso=250, awakenings=3, zone="America/New_York")


def test_missing_items_leave_the_metric_missing() -> None:
    tried = clock(date(2024, 1, 10), "22:30")
    final = tried + timedelta(hours=8)
    assert total_sleep_time(tried, final, None, 30) is None
    assert total_sleep_time(tried, final, 18, None) is None
    assert total_sleep_time(None, final, 18, 30) is None
    assert time_in_bed(None, final) is None
    assert terminal_wakefulness(final, None) is None
    assert sleep_efficiency(None, 525) is None
    assert sleep_efficiency(432, None) is None
    assert sleep_efficiency(432, 0) is None
    assert night_flags(None, None, None) == ()


@pytest.mark.parametrize(
    ("sol", "waso", "se", "flags"),
    [
        (30, 30, 85.0, ()),
        (31, 30, 85.0, ("sol_over_30",)),
        (30, 31, 85.0, ("waso_over_30",)),
        (30, 30, 84.9, ("se_under_85",)),
        (45, 60, 70.0, ("sol_over_30", "waso_over_30", "se_under_85")),
    ],
)
def test_flag_thresholds(sol: float, waso: float, se: float, flags: tuple[str, ...]) -> None:
    assert night_flags(sol, waso, se) == flags


def test_naps_stay_out_of_the_night() -> None:
    with_nap = night_metrics(diary(date(2024, 1, 10), nap_count=1, nap_min=40))
    assert with_nap.tst_min == 432 and with_nap.nap_min == 40


def test_diary_metrics_dict() -> None:
    assert diary_metrics(diary(date(2024, 1, 10))) == {
        "tib_min": 525.0,
        "tst_min": 432.0,
        "twak_min": 15.0,
        "se_pct": 82.3,
        "sol_over_30": 0,
        "waso_over_30": 0,
        "se_under_85": 1,
    }


ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    # hypothesis takes naive bounds and adds the zone itself
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),  # noqa: DTZ001
    to_tried=st.integers(0, 240),
    to_final=st.integers(0, 16 * 60),
    to_out=st.integers(0, 240),
    sol=st.integers(0, 600),
    waso=st.integers(0, 600),
    awakenings=st.integers(0, 12),
    quality=st.integers(1, 5),
)
def test_property_tst_within_tib_and_se_within_0_100(
    zone, start, to_tried, to_final, to_out, sol, waso, awakenings, quality
) -> None:
    bed = start.replace(tzinfo=ZoneInfo(zone))
    tried = bed + timedelta(minutes=to_tried)
    final = tried + timedelta(minutes=to_final)
    try:
        entry = SleepDiaryEntry(
            night=night_of(bed),
            bed_at=bed,
            tried_at=tried,
            sol_min=sol,
            awakenings=awakenings,
            waso_min=waso,
            final_wake_at=final,
            out_of_bed_at=final + timedelta(minutes=to_out),
            quality=quality,
            zone=zone,
        )
        metrics = night_metrics(entry)
    except InvalidEntry as refused:
        assert refused.message.strip()  # refused with a clear message
        return
    assert 0 <= metrics.tst_min <= metrics.tib_min
    assert 0 <= metrics.se_pct <= 100

"""Known-answer tests for weekly sleep summaries.

What is tested: mean, sample SD and n over valid nights, a missed night
counted as missing (never zero), flag counts, clock-time averaging across
midnight, naps kept apart, and a week with no nights.
What is NOT tested: presentation (the CLI and report tests cover that).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kratom_journal.sleep.summary import clock_label, describe, weekly_summaries

from .builders import diary

MONDAY = date(2024, 1, 1)


def _week_with_one_missed_night():
    # Six nights with SOL 10..60 and WASO 30; the seventh night (7 Jan) was not logged.
    return [diary(MONDAY + timedelta(days=i), sol=10 * (i + 1)) for i in range(6)]


def test_week_mean_sd_and_n_over_valid_nights() -> None:
    (week,) = weekly_summaries(_week_with_one_missed_night(), weeks=1, end=date(2024, 1, 7))
    assert (week.start, week.end) == (MONDAY, date(2024, 1, 7))
    assert (week.nights_valid, week.nights_expected) == (6, 7)
    tst = week.stats["tst_min"]  # 440, 430, 420, 410, 400, 390
    assert (tst.mean, tst.sd, tst.n) == (415.0, 18.7, 6)
    assert week.stats["tib_min"].mean == 525.0 and week.stats["tib_min"].sd == 0.0
    assert week.stats["se_pct"].mean == 79.0  # 415 / 525
    assert week.stats["bedtime_min_after_noon"].mean == 600.0
    assert clock_label(week.stats["rise_time_min_after_noon"].mean) == "06:45"
    assert week.flag_nights == {"sol_over_30": 3, "waso_over_30": 0, "se_under_85": 6}


def test_missed_night_is_missing_not_zero() -> None:
    nights = _week_with_one_missed_night()
    (week,) = weekly_summaries(nights, weeks=1, end=date(2024, 1, 7))
    assert week.stats["tst_min"].n == 6
    assert week.stats["tst_min"].mean == 415.0  # a zero night would give 355.7


def test_bedtimes_either_side_of_midnight_average_to_midnight() -> None:
    nights = [
        diary(MONDAY, bed="23:50", tried="23:55"),
        diary(MONDAY + timedelta(days=1), bed="00:10", tried="00:15"),
    ]
    (week,) = weekly_summaries(nights, weeks=1, end=date(2024, 1, 7))
    assert clock_label(week.stats["bedtime_min_after_noon"].mean) == "00:00"


def test_several_weeks_oldest_first_and_empty_week() -> None:
    nights = _week_with_one_missed_night()
    older, newer = weekly_summaries(nights, weeks=2, end=date(2024, 1, 14))
    assert older.start == MONDAY and older.nights_valid == 6
    assert newer.start == date(2024, 1, 8) and newer.nights_valid == 0
    assert newer.stats["tst_min"].mean is None and newer.stats["tst_min"].sd is None


def test_naps_are_summed_apart() -> None:
    nights = [diary(MONDAY, nap_count=1, nap_min=30), diary(MONDAY + timedelta(days=1))]
    (week,) = weekly_summaries(nights, weeks=1, end=date(2024, 1, 7))
    assert (week.nap_days, week.nap_min_total) == (1, 30)
    assert week.stats["tst_min"].mean == 432.0


def test_describe_single_value_has_no_sd() -> None:
    assert describe([432.0]).sd is None


def test_weeks_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        weekly_summaries([], weeks=0, end=MONDAY)

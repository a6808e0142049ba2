"""Heat-map of logged days and the streak of logged mornings: known answers, DST, gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.domain.consistency import (
    DayCell,
    heat_map,
    local_day,
    morning_of,
    morning_streak,
    summary,
)

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 20)  # a Friday


def days_back(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=n) for n in offsets}


def test_streak_counts_consecutive_mornings_up_to_today() -> None:
    assert morning_streak(days_back(0, 1, 2), TODAY) == 3


def test_streak_waits_for_this_morning() -> None:
    # Not logged yet this morning: the streak up to yesterday still stands.
    assert morning_streak(days_back(1, 2, 3, 4), TODAY) == 4


def test_a_missing_day_ends_the_streak() -> None:
    assert morning_streak(days_back(0, 1, 3, 4, 5), TODAY) == 2
    assert morning_streak(days_back(2, 3), TODAY) == 0
    assert morning_streak(set(), TODAY) == 0


def test_streak_across_the_autumn_clock_change() -> None:
    # Nights of 24-26 October 2026 (Berlin falls back on the 25th): three mornings.
    nights = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert morning_streak({morning_of(n) for n in nights}, date(2026, 10, 27)) == 3


def test_local_day_follows_the_zone_across_dst() -> None:
    # 23:30 local on the day Berlin springs forward is 21:30 UTC; 00:30 the next day is 22:30.
    assert local_day(datetime(2026, 3, 29, 21, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 29)
    assert local_day(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 30)
    # In winter (UTC+1) the same 22:30 UTC is already the next day, too.
    assert local_day(datetime(2026, 1, 10, 23, 30, tzinfo=UTC), BERLIN) == date(2026, 1, 11)
    # The repeated hour in autumn stays on its day.
    assert local_day(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 25)


def test_heat_map_is_whole_weeks_ending_this_week() -> None:
    cells = heat_map({TODAY: 2, TODAY - timedelta(days=3): 1}, days_back(0), TODAY)
    assert len(cells) == 12 * 7
    assert cells[0].day.weekday() == 0 and cells[-1].day.weekday() == 6
    assert cells[-1].day == date(2026, 11, 22)
    by_day = {c.day: c for c in cells}
    assert by_day[TODAY] == DayCell(TODAY, 2, True, False)
    assert by_day[TODAY].level == "full"
    assert by_day[TODAY - timedelta(days=3)].level == "some"
    assert by_day[TODAY - timedelta(days=1)].level == "none"
    assert by_day[date(2026, 11, 21)].future


def test_heat_map_has_no_gap_or_double_day_over_dst() -> None:
    cells = heat_map({}, set(), date(2026, 11, 1))
    days = [c.day for c in cells]
    assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:], strict=False))
    assert date(2026, 10, 25) in days


def test_labels_and_summary_speak_of_logging_only() -> None:
    cells = heat_map({TODAY: 1, TODAY - timedelta(days=1): 3}, days_back(1), TODAY)
    by_day = {c.day: c for c in cells}
    assert by_day[TODAY].label == "Fri 20 Nov: 1 entry"
    assert by_day[TODAY - timedelta(days=1)].label == (
        "Thu 19 Nov: 3 entries, morning diary filled in"
    )
    assert by_day[TODAY - timedelta(days=2)].label == "Wed 18 Nov: nothing logged"
    text = summary(cells, morning_streak(days_back(1), TODAY))
    assert text == (
        "Logged on 2 of the last 82 days; morning diary on 1 of them; 1 morning in a row."
    )
    for word in ("kratom", "dose", "free", "abstinen", "clean", "sober"):
        assert word not in text.lower()

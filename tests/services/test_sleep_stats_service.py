"""Sleep statistics over a stored journal.

What is tested: entries read back from the store (fixed offsets plus zone)
give the worked-example numbers, weekly views have the documented keys, the
SRI appears from 14 nights, and ``diary_metrics`` is what listings show.
What is NOT tested: formulas (tests/sleep).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.services import sleep_stats as service

BERLIN = ZoneInfo("Europe/Berlin")


def _night(day: date) -> SleepDiaryEntry:
    def at(d: date, h: int, m: int) -> datetime:
        return datetime(d.year, d.month, d.day, h, m, tzinfo=BERLIN)

    nxt = day + timedelta(days=1)
    return SleepDiaryEntry(
        night=day,
        bed_at=at(day, 22, 0),
        tried_at=at(day, 22, 30),
        sol_min=18,
        awakenings=2,
        waso_min=30,
        final_wake_at=at(nxt, 6, 30),
        out_of_bed_at=at(nxt, 6, 45),
        quality=3,
        zone="Europe/Berlin",
    )


def test_weekly_view_from_stored_entries(journal) -> None:
    for i in range(6):
        journal.entries.add(_night(date(2024, 5, 1) + timedelta(days=i)))
    stats = service.sleep_stats(journal, weeks=1)
    view = service.stats_view(stats)
    (week,) = view["weeks"]
    assert (view["start"], view["end"]) == ("2024-04-30", "2024-05-06")
    assert week["nights_valid"] == 6
    assert week["metrics"]["tst_min"] == {"mean": 432.0, "sd": 0.0, "n": 6}
    assert week["metrics"]["se_pct"]["mean"] == 82.3
    assert week["bedtime_mean"] == "22:00"
    assert view["regularity"] is None and "14" in view["regularity_note"]
    assert set(week) == {
        "start",
        "end",
        "nights_recorded",
        "nights_valid",
        "nights_expected",
        "metrics",
        "bedtime_mean",
        "rise_time_mean",
        "flag_nights",
        "nap_days",
        "nap_min_total",
        "invalid_nights",
    }


def test_regularity_from_14_nights(journal) -> None:
    for i in range(14):
        journal.entries.add(_night(date(2024, 5, 1) + timedelta(days=i)))
    view = service.stats_view(service.sleep_stats(journal, weeks=2))
    assert view["regularity"] == {"sri": 100.0, "nights": 14, "day_pairs": 13}


def test_empty_journal(journal) -> None:
    view = service.stats_view(service.sleep_stats(journal, weeks=1, end=date(2024, 5, 7)))
    assert view["weeks"][0]["nights_valid"] == 0
    assert view["weeks"][0]["metrics"]["tst_min"]["mean"] is None

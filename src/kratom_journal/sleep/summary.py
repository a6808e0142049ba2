"""Weekly summaries of sleep diary metrics.

A week is seven consecutive nights ending on a given night. Means and
standard deviations use valid nights only; a night without a diary entry is
missing, never zero, and every summary reports how many nights it used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.sleep.metrics import NightMetrics, minutes_after_noon, night_metrics

NIGHTS_PER_WEEK = 7
SUMMARY_METRICS: tuple[str, ...] = (
    "tib_min",
    "tst_min",
    "sol_min",
    "waso_min",
    "twak_min",
    "se_pct",
    "awakenings",
    "quality",
    "bedtime_min_after_noon",
    "rise_time_min_after_noon",
)
"""Metrics summarised each week, in output order."""


@dataclass(frozen=True, slots=True)
class Stat:
    """Mean, sample standard deviation (ddof = 1) and number of valid nights."""

    mean: float | None
    sd: float | None
    n: int


def describe(values: Iterable[float]) -> Stat:
    """Mean and sample SD of the values; SD needs two values, the mean one.

    >>> describe([432.0, 420.0, 450.0])
    Stat(mean=434.0, sd=15.1, n=3)
    >>> describe([])
    Stat(mean=None, sd=None, n=0)
    """
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return Stat(None, None, 0)
    sd = round(float(np.std(data, ddof=1)), 1) if data.size > 1 else None
    return Stat(round(float(np.mean(data)), 1), sd, int(data.size))


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """Summary of one week of nights (``start`` to ``end`` inclusive)."""

    start: date
    end: date
    nights_recorded: int
    nights_valid: int
    nights_expected: int
    stats: dict[str, Stat]
    flag_nights: dict[str, int]
    nap_days: int
    nap_min_total: int
    invalid_nights: tuple[date, ...] = field(default=())


def clock_label(minutes_after_noon_value: float | None) -> str | None:
    """Format minutes after noon as a 24-hour clock time.

    >>> clock_label(630.0), clock_label(1110.0), clock_label(-30.0)
    ('22:30', '06:30', '11:30')
    """
    if minutes_after_noon_value is None:
        return None
    total = int(round(minutes_after_noon_value + 12 * 60)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def latest_per_night(entries: Iterable[SleepDiaryEntry]) -> dict[date, SleepDiaryEntry]:
    """One entry per night; when a night was logged twice the later one in the input wins."""
    by_night: dict[date, SleepDiaryEntry] = {}
    for entry in entries:
        by_night[entry.night] = entry
    return by_night


def weekly_summaries(
    entries: Iterable[SleepDiaryEntry], weeks: int, end: date
) -> list[WeekSummary]:
    """Summarise ``weeks`` consecutive weeks, the last one ending on night ``end``.

    Parameters
    ----------
    entries : iterable of SleepDiaryEntry
        Diary nights, in any order; later duplicates of a night replace earlier ones.
    weeks : int
        Number of weeks, at least 1.
    end : date
        The last night of the most recent week.

    Returns
    -------
    list of WeekSummary
        Oldest week first.

    Notes
    -----
    Naps are kept apart from the night: they never enter TST or SE and are
    summed separately. Clock times (bedtime, rise time) are averaged as
    minutes after noon of the night's evening.

    References
    ----------
    Carney CE, et al. The Consensus Sleep Diary. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    by_night = latest_per_night(entries)
    summaries = []
    for index in range(weeks - 1, -1, -1):
        week_end = end - timedelta(days=NIGHTS_PER_WEEK * index)
        week_start = week_end - timedelta(days=NIGHTS_PER_WEEK - 1)
        nights = [by_night[day] for day in _days(week_start, week_end) if day in by_night]
        summaries.append(summarise_week(nights, week_start, week_end))
    return summaries


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def summarise_week(nights: list[SleepDiaryEntry], start: date, end: date) -> WeekSummary:
    """Summarise the given nights as the week ``start``..``end``."""
    valid: list[tuple[SleepDiaryEntry, NightMetrics]] = []
    invalid: list[date] = []
    for entry in nights:
        try:
            valid.append((entry, night_metrics(entry)))
        except InvalidEntry:
            invalid.append(entry.night)
    columns = {name: [_value(name, e, m) for e, m in valid] for name in SUMMARY_METRICS}
    flag_nights = dict.fromkeys(("sol_over_30", "waso_over_30", "se_under_85"), 0)
    for _entry, metrics in valid:
        for flag in metrics.flags:
            flag_nights[flag] += 1
    naps = [e.nap_min for e in nights if e.nap_min]
    return WeekSummary(
        start=start,
        end=end,
        nights_recorded=len(nights),
        nights_valid=len(valid),
        nights_expected=(end - start).days + 1,
        stats={name: describe(values) for name, values in columns.items()},
        flag_nights=flag_nights,
        nap_days=sum(1 for e in nights if (e.nap_count or 0) > 0 or (e.nap_min or 0) > 0),
        nap_min_total=sum(naps),
        invalid_nights=tuple(invalid),
    )


def _value(name: str, entry: SleepDiaryEntry, metrics: NightMetrics) -> float:
    if name == "bedtime_min_after_noon":
        return minutes_after_noon(entry.bed_at, entry.night, entry.zone)
    if name == "rise_time_min_after_noon":
        return minutes_after_noon(entry.out_of_bed_at, entry.night, entry.zone)
    return float(getattr(metrics, name))

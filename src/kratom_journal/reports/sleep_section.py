"""The report's sleep section: weekly diary metrics, the 24-hour sleep log, diary against device.

The sleep log is the AASM two-week diary layout: one row per night from noon of
its evening to noon the next day, on the local clock the entries were logged
with. A dose is drawn on the row whose window holds it (its night in
:func:`kratom_journal.domain.days.night_of`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from kratom_journal.domain.days import night_of
from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.reports.model import SleepLogRow, SleepSection
from kratom_journal.services.report import MAX_TABLE_WEEKS, Period
from kratom_journal.sleep.metrics import minutes_after_noon, night_metrics
from kratom_journal.sleep.regularity import sleep_regularity_index
from kratom_journal.sleep.summary import clock_label, weekly_summaries

SLEEP_LOG_NIGHTS = 14
"""Nights on the 24-hour sleep log (the AASM two-week diary layout)."""
TST_FLAG_MIN = 360
"""A weekly mean total sleep time below six hours is flagged."""


class TimedSubstance(Protocol):
    """A dose as the sleep log needs it (a stored dose or a dose entry)."""

    @property
    def taken_at(self) -> datetime: ...
    @property
    def zone(self) -> str | None: ...
    @property
    def substance(self) -> str: ...


def sleep_section(
    nights: list[SleepDiaryEntry],
    doses: Sequence[TimedSubstance],
    period: Period,
    device_tst: Mapping[date, float],
) -> SleepSection:
    """Weekly metrics of the nights, their sleep log, regularity and the wearable comparison."""
    log_nights = [n for n in nights if n.night > period.end - timedelta(days=SLEEP_LOG_NIGHTS)]
    weeks = min(MAX_TABLE_WEEKS, max(1, math.ceil(period.days / 7)))
    summaries = weekly_summaries(nights, weeks, period.end)
    return SleepSection(
        [week_row(week) for week in summaries if week.start <= period.end],
        len(nights),
        log_rows(log_nights, doses, period),
        regularity=regularity(nights),
        diary_vs_device=diary_vs_device(nights, device_tst),
    )


def diary_vs_device(nights: list[SleepDiaryEntry], device_tst: Mapping[date, float]) -> str | None:
    """Mean diary and wearable total sleep time on the nights that have both."""
    pairs = []
    for entry in nights:
        measured = device_tst.get(entry.night)
        if measured is None:
            continue
        try:
            pairs.append((night_metrics(entry).tst_min, measured))
        except InvalidEntry:
            continue
    if not pairs:
        return None
    diary = statistics.fmean(p[0] for p in pairs)
    device = statistics.fmean(p[1] for p in pairs)
    return (
        f"On {len(pairs)} nights with both, diary total sleep time averaged {diary:.0f} min "
        f"and the wearable's {device:.0f} min (diary minus wearable {diary - device:+.0f}"
        " min)."
    )


def regularity(nights: list[SleepDiaryEntry]) -> str | None:
    result = sleep_regularity_index(nights)
    if result is None:
        return None
    return f"Sleep Regularity Index {result.sri:.0f} over {result.nights} nights"


def week_row(week: Any) -> dict[str, Any]:
    """One week of the diary table: mean ± SD of each metric and the week's flags."""
    stats = week.stats

    def mean_sd(name: str, digits: int = 0) -> str:
        stat = stats[name]
        if stat.mean is None:
            return "–"
        text = f"{stat.mean:.{digits}f}"
        return text + (f" ± {stat.sd:.{digits}f}" if stat.sd is not None else "")

    def clock(name: str) -> str:
        stat = stats[name]
        if stat.mean is None:
            return "–"
        sd = f" ± {stat.sd:.0f}′" if stat.sd is not None else ""
        return f"{clock_label(stat.mean)}{sd}"

    counts = [week.flag_nights.get(k, 0) for k in ("sol_over_30", "waso_over_30", "se_under_85")]
    flags = [" · ".join(str(n) for n in counts)] if any(counts) else []
    tst = stats["tst_min"].mean
    if tst is not None and tst < TST_FLAG_MIN:
        flags.append("TST<6 h")
    return {
        "label": week_label(week.start, week.end),
        "n": f"{week.nights_valid}/{week.nights_expected}",
        "bedtime": clock("bedtime_min_after_noon"),
        "rise": clock("rise_time_min_after_noon"),
        "tib": mean_sd("tib_min"),
        "tst": mean_sd("tst_min"),
        "sol": mean_sd("sol_min"),
        "waso": mean_sd("waso_min"),
        "nwak": mean_sd("awakenings", 1),
        "se": mean_sd("se_pct"),
        "quality": mean_sd("quality", 1),
        "flags": "; ".join(flags),
        "naps": f"{week.nap_days} d, {week.nap_min_total} min" if week.nap_days else "",
        "empty": week.nights_valid == 0,
    }


def week_label(start: date, end: date) -> str:
    """``03–09 Jun``, or ``27 May–02 Jun`` across a month.

    >>> week_label(date(2024, 5, 27), date(2024, 6, 2))
    '27 May–02 Jun'
    """
    if start.month == end.month:
        return f"{start:%d}–{end:%d %b}"
    return f"{start:%d %b}–{end:%d %b}"


def substance_group(substance: str) -> str:
    """The sleep-log marker group of a logged substance.

    >>> substance_group("medication:zolpidem"), substance_group("kratom")
    ('medication', 'kratom')
    """
    if substance.startswith("medication:"):
        return "medication"
    if substance.startswith("other:"):
        return "other"
    return substance


def log_rows(
    nights: list[SleepDiaryEntry], doses: Sequence[TimedSubstance], period: Period
) -> list[SleepLogRow]:
    """The last :data:`SLEEP_LOG_NIGHTS` nights of the period on the noon-to-noon log."""
    by_night: dict[date, list[tuple[float, str]]] = defaultdict(list)
    for dose in doses:
        night = night_of(dose.taken_at, dose.zone)
        minute = minutes_after_noon(dose.taken_at, night, dose.zone)
        by_night[night].append((minute, substance_group(dose.substance)))
    diary = {n.night: n for n in nights}
    first = max(period.start, period.end - timedelta(days=SLEEP_LOG_NIGHTS - 1))
    rows = []
    for offset in range((period.end - first).days + 1):
        night = first + timedelta(days=offset)
        entry = diary.get(night)
        in_bed = asleep = None
        if entry is not None:
            zone = entry.zone
            in_bed = (
                minutes_after_noon(entry.bed_at, night, zone),
                minutes_after_noon(entry.out_of_bed_at, night, zone),
            )
            onset = entry.tried_at + timedelta(minutes=entry.sol_min)
            asleep = (
                minutes_after_noon(onset, night, zone),
                minutes_after_noon(entry.final_wake_at, night, zone),
            )
        rows.append(SleepLogRow(night, in_bed, asleep, tuple(sorted(by_night.get(night, [])))))
    return rows

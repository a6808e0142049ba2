"""Sleep statistics use case: weekly Consensus Sleep Diary summaries and the SRI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidInput
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone
from kratom_journal.sleep.regularity import MIN_NIGHTS, RegularityResult, sleep_regularity_index
from kratom_journal.sleep.summary import (
    NIGHTS_PER_WEEK,
    SUMMARY_METRICS,
    WeekSummary,
    clock_label,
    weekly_summaries,
)
from kratom_journal.store.journal import Journal

DIARY_CAVEAT = (
    "Diary figures are self-reported. Compared with EEG, the Consensus Sleep Diary tends to "
    "overestimate total sleep time (by about 40 minutes) and sleep efficiency, while its "
    "timing is accurate (Dietch et al. 2021)."
)
SRI_NOTE = (
    "Sleep Regularity Index (Phillips et al. 2017), from sleep onset to final awakening on the "
    "local clock; awakenings during the night cannot be placed from a diary and count as sleep."
)


@dataclass(frozen=True, slots=True)
class SleepStats:
    """Weekly summaries over a period and the regularity index over the same nights."""

    start: date
    end: date
    weeks: list[WeekSummary]
    regularity: RegularityResult | None
    nights_in_period: int


def doses_by_night(doses: Iterable[Dose]) -> dict[date, list[Dose]]:
    """The doses counted against each night: those of the night's journal day, oldest first.

    Night D and journal day D go together (04:00 on D to 04:00 on D + 1), so a dose at
    01:30 after the evening of D counts against night D, one at 04:00 against night D + 1.
    """
    nights: dict[date, list[Dose]] = {}
    for dose in sorted(doses, key=lambda d: d.taken_at):
        nights.setdefault(journal_day(dose.taken_at, dose.zone), []).append(dose)
    return nights


def sleep_entries(journal: Journal) -> list[SleepDiaryEntry]:
    """All live sleep diary nights, oldest first."""
    entries = [s.entry for s in journal.entries.list(kind=Kind.SLEEP)]
    return [e for e in entries if isinstance(e, SleepDiaryEntry)]


def sleep_stats(
    journal: Journal, weeks: int = 4, end: date | None = None, *, clock: Clock = SYSTEM_CLOCK
) -> SleepStats:
    """Summaries of the ``weeks`` weeks ending on night ``end`` (default: the last logged night)."""
    if weeks < 1:
        raise InvalidInput("--weeks must be at least 1")
    entries = sleep_entries(journal)
    if end is not None:
        last = end
    elif entries:
        last = max(e.night for e in entries)
    else:
        last = clock.today(journal_zone(journal))
    start = last - timedelta(days=NIGHTS_PER_WEEK * weeks - 1)
    in_period = [e for e in entries if start <= e.night <= last]
    return SleepStats(
        start=start,
        end=last,
        weeks=weekly_summaries(in_period, weeks, last),
        regularity=sleep_regularity_index(in_period),
        nights_in_period=len({e.night for e in in_period}),
    )


def week_view(week: WeekSummary) -> dict[str, Any]:
    """One week as JSON-ready values (stable keys, see docs/instruments.md)."""
    return {
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "nights_recorded": week.nights_recorded,
        "nights_valid": week.nights_valid,
        "nights_expected": week.nights_expected,
        "metrics": {
            name: {"mean": stat.mean, "sd": stat.sd, "n": stat.n}
            for name, stat in ((n, week.stats[n]) for n in SUMMARY_METRICS)
        },
        "bedtime_mean": clock_label(week.stats["bedtime_min_after_noon"].mean),
        "rise_time_mean": clock_label(week.stats["rise_time_min_after_noon"].mean),
        "flag_nights": dict(week.flag_nights),
        "nap_days": week.nap_days,
        "nap_min_total": week.nap_min_total,
        "invalid_nights": [night.isoformat() for night in week.invalid_nights],
    }


def stats_view(stats: SleepStats) -> dict[str, Any]:
    """What ``kj sleep stats --json`` prints."""
    regularity = None
    if stats.regularity is not None:
        regularity = {
            "sri": stats.regularity.sri,
            "nights": stats.regularity.nights,
            "day_pairs": stats.regularity.day_pairs,
        }
    return {
        "start": stats.start.isoformat(),
        "end": stats.end.isoformat(),
        "se_denominator": "time in bed",
        "weeks": [week_view(week) for week in stats.weeks],
        "regularity": regularity,
        "regularity_note": SRI_NOTE
        if regularity is not None
        else f"Needs at least {MIN_NIGHTS} diary nights in the period, "
        f"including consecutive ones; {stats.nights_in_period} recorded.",
        "caveat": DIARY_CAVEAT,
    }

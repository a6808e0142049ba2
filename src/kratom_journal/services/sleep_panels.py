"""What the Sleep page shows beside its chart: recent weekly diary metrics, and wearable nights.

Both read only the nights of the period shown, so the work does not grow with the
journal's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from kratom_journal.domain.entries import Kind, SleepDiaryEntry
from kratom_journal.services.sleep_stats import DIARY_CAVEAT, SRI_NOTE, week_view
from kratom_journal.services.wearable_nights import list_nights, night_dict, stage_timeline
from kratom_journal.sleep.regularity import RegularityResult, sleep_regularity_index
from kratom_journal.sleep.summary import NIGHTS_PER_WEEK, weekly_summaries
from kratom_journal.store.journal import Journal

RECENT_WEEKS = 4


@dataclass(frozen=True, slots=True)
class WeekPanel:
    """Weekly diary metrics (newest week first) with their flags, and the regularity index."""

    weeks: list[dict[str, Any]]
    regularity: RegularityResult | None
    caveat: str = DIARY_CAVEAT
    sri_note: str = SRI_NOTE


def recent_weeks(
    journal: Journal, today: date, zone: tzinfo, weeks: int = RECENT_WEEKS
) -> WeekPanel:
    """The ``weeks`` weeks of diary nights ending last night (the night before ``today``)."""
    last = today - timedelta(days=1)
    start = last - timedelta(days=NIGHTS_PER_WEEK * weeks - 1)
    stored = journal.entries.list(
        Kind.SLEEP, since=start - timedelta(days=1), until=today + timedelta(days=1), tz=zone
    )
    in_period = [
        s.entry
        for s in stored
        if isinstance(s.entry, SleepDiaryEntry) and start <= s.entry.night <= last
    ]
    summaries = weekly_summaries(in_period, weeks, last)
    return WeekPanel(
        weeks=[week_view(w) for w in reversed(summaries)],
        regularity=sleep_regularity_index(in_period),
    )


Segment = tuple[datetime, datetime, str]


@dataclass(frozen=True, slots=True)
class WearablePeriod:
    """Wearable nights of a period, for the Sleep page.

    ``nights`` holds the JSON-ready chosen night per date, for the table; ``stages``
    per night the chosen source's stage segments for the chart (or, for a source
    without stages, its time in bed labelled with the stage minutes it reported).
    """

    nights: dict[date, dict[str, Any]]
    stages: dict[date, list[Segment]]


def wearable_period(journal: Journal, first: date, last: date) -> WearablePeriod | None:
    """Wearable nights from night ``first`` to night ``last``; ``None`` when there are none."""
    found = list_nights(journal, since=first, until=last)
    if not found:
        return None
    nights: dict[date, dict[str, Any]] = {}
    spans: dict[date, list[Segment]] = {}
    for chosen, others in found:
        view = night_dict(chosen, others)
        nights[chosen.night] = view
        stages = view.get("stage_min") or {}
        staged = ", ".join(
            f"{name} {minutes:.0f} min" for name, minutes in stages.items() if minutes
        )
        label = f"{view['source']}" + (f": {staged}" if staged else "")
        spans[chosen.night] = [(chosen.bed_at, chosen.out_at, label)]
    # Where the chosen source recorded stages, draw them over the night instead.
    spans.update(stage_timeline(journal, first, last))
    return WearablePeriod(nights, spans)

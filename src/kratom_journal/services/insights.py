"""Use case: observational insights from a person's journal (``kj analyze``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.insights import InsightReport, analyze
from kratom_journal.analysis.thresholds import OutcomeThreshold
from kratom_journal.domain.entries import Dose, Kind, MoodCheckin, SleepDiaryEntry
from kratom_journal.services.daily import OUTCOME_PROVIDERS, build_day_table, load_live_entries


def _live(journal: Any, kind: Kind) -> list[Any]:
    return load_live_entries(journal, kind)


def journal_timezone(journal: Any) -> str | None:
    """The journal's IANA time zone setting, if any."""
    value = journal.settings.get("timezone")
    return str(value) if value else None


def journal_day_table(
    journal: Any, extra_outcomes: Mapping[str, Mapping[date, float]] | None = None
) -> DayTable:
    """The per-day table of a journal, with registered extra outcome columns added."""
    extra: dict[str, Mapping[date, float]] = {}
    for name, provider in OUTCOME_PROVIDERS.items():
        extra[name] = provider(journal)
    extra.update(extra_outcomes or {})
    doses: list[Dose] = _live(journal, Kind.DOSE)
    nights: list[SleepDiaryEntry] = _live(journal, Kind.SLEEP)
    moods: list[MoodCheckin] = _live(journal, Kind.MOOD)
    return build_day_table(doses, nights, moods, journal_timezone(journal), extra)


def run_insights(
    journal: Any,
    outcomes: Sequence[str] | None = None,
    extra_thresholds: Mapping[str, OutcomeThreshold] | None = None,
) -> InsightReport:
    """Every insight the journal supports, adjusted together.

    Raises
    ------
    AnalysisError
        With a plain message when the journal cannot support any analysis yet.
    """
    table = journal_day_table(journal)
    return analyze(table, outcomes=outcomes, extra_outcomes=extra_thresholds)

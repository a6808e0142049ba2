"""Use case: observational insights from a person's journal (``kj analyze``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.insights import InsightReport, analyze
from kratom_journal.analysis.thresholds import OutcomeThreshold
from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, MoodCheckin, SideEffect, SleepDiaryEntry
from kratom_journal.services.daily import (
    OUTCOME_PROVIDERS,
    build_day_table,
    register_outcome_provider,
)
from kratom_journal.store.entry_reads import live_entries
from kratom_journal.store.journal import Journal
from kratom_journal.store.wearable_reads import chosen_night_outcomes


def _live(journal: Journal, kind: Kind) -> list[Any]:
    return live_entries(journal, kind)


def journal_timezone(journal: Journal) -> str | None:
    """The journal's IANA time zone setting, if any."""
    value = journal.settings.get("timezone")
    return str(value) if value else None


def questionnaire_scores(journal: Journal, instrument_id: str) -> dict[date, float]:
    """Total scores of a questionnaire by journal day (the last one if taken twice a day).

    PHQ-9 and GAD-7 ask about the past two weeks, so the analysis pairs each score with the
    14 days before it (:mod:`kratom_journal.analysis.recall`), never with one night.
    """
    from kratom_journal.services.questionnaires import list_administrations

    scores: dict[date, float] = {}
    for administration in list_administrations(journal, instrument_id):
        total = administration.result.total
        if total is not None:
            scores[administration.day] = float(total)
    return scores


def _phq9(journal: Journal) -> Mapping[date, float]:
    return questionnaire_scores(journal, "phq9")


def _gad7(journal: Journal) -> Mapping[date, float]:
    return questionnaire_scores(journal, "gad7")


def wearable_nights(journal: Journal) -> dict[str, dict[date, float]]:
    """Nightly wearable outcomes from the chosen source of each night.

    ``hrv_ms`` uses one HRV measure for the whole journal (RMSSD or SDNN, whichever covers
    more nights), since the two are not interchangeable.
    """
    columns: dict[str, dict[date, float]] = {
        "wearable_tst_min": {},
        "wearable_awakenings": {},
        "deep_sleep_min": {},
    }
    rmssd: dict[date, float] = {}
    sdnn: dict[date, float] = {}
    for night in chosen_night_outcomes(journal):
        for name, value in (
            ("wearable_tst_min", night.total_sleep_min),
            ("wearable_awakenings", night.awakenings),
            ("deep_sleep_min", night.deep_min),
        ):
            if value is not None:
                columns[name][night.night] = float(value)
        if night.hrv_rmssd_mean is not None:
            rmssd[night.night] = float(night.hrv_rmssd_mean)
        if night.hrv_sdnn_mean is not None:
            sdnn[night.night] = float(night.hrv_sdnn_mean)
    columns["hrv_ms"] = rmssd if len(rmssd) >= len(sdnn) else sdnn
    return columns


def _wearable(name: str) -> Callable[[Any], Mapping[date, float]]:
    def provider(journal: Journal) -> Mapping[date, float]:
        return wearable_nights(journal)[name]

    return provider


register_outcome_provider("phq9", _phq9)
register_outcome_provider("gad7", _gad7)
for _name in ("wearable_tst_min", "wearable_awakenings", "deep_sleep_min", "hrv_ms"):
    register_outcome_provider(_name, _wearable(_name))


def journal_day_table(
    journal: Journal, extra_outcomes: Mapping[str, Mapping[date, float]] | None = None
) -> DayTable:
    """The per-day table of a journal, with registered extra outcome columns added."""
    extra: dict[str, Mapping[date, float]] = {}
    for name, provider in OUTCOME_PROVIDERS.items():
        extra[name] = provider(journal)
    extra.update(extra_outcomes or {})
    doses: list[Dose] = _live(journal, Kind.DOSE)
    nights: list[SleepDiaryEntry] = _live(journal, Kind.SLEEP)
    moods: list[MoodCheckin] = _live(journal, Kind.MOOD)
    effects: list[SideEffect] = _live(journal, Kind.SIDE_EFFECT)
    other_days = {journal_day(e.at, e.zone) for e in effects}
    return build_day_table(doses, nights, moods, extra, other_days)


def run_insights(
    journal: Journal,
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


def insight_rows(journal: Journal) -> dict[str, Any]:
    """The report as plain data (:func:`services.insight_payload.report_payload`: ``results``,
    ``n_tests``, the families...), or ``{"error": message}``.

    Cached in the journal until its data change (see :mod:`kratom_journal.services.cache`),
    so a report or a page shows years of insights without recomputing them.
    """
    from kratom_journal.analysis.errors import AnalysisError
    from kratom_journal.services.cache import cached
    from kratom_journal.services.insight_payload import report_payload

    def compute() -> dict[str, Any]:
        try:
            report = run_insights(journal)
        except AnalysisError as exc:
            return {"error": str(exc)}
        return report_payload(report)

    return cached(journal, "insights", compute)

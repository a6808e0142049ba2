"""What the Insights and Experiments pages need beside the results: names, units, change bands."""

from __future__ import annotations

from collections.abc import Iterable

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.insights import InsightReport
from kratom_journal.analysis.thresholds import load_thresholds, threshold_for
from kratom_journal.services.insights import journal_day_table, run_insights
from kratom_journal.store.journal import Journal


def insight_report(journal: Journal) -> tuple[InsightReport | None, str | None]:
    """The journal's insight report, or ``None`` and the plain reason there is none yet."""
    try:
        return run_insights(journal), None
    except AnalysisError as exc:
        return None, str(exc)


def meaningful_bands(journal: Journal, outcomes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """The meaningful-change band ``(-v, v)`` of each outcome, in the outcome's units.

    Thresholds given in units of the person's own standard deviation are scaled
    with the analysis layer's own rule, on the person's day table (read only if needed).
    """
    table = None
    bands: dict[str, tuple[float, float]] = {}
    for outcome in outcomes:
        found = threshold_for(outcome)
        if found is None:
            continue
        if found.kind == "absolute":
            value = float(found.value)
        else:
            table = table or journal_day_table(journal)
            if not table.has(outcome):
                continue
            value = float(found.in_units(table.column(outcome)))
        bands[outcome] = (-value, value)
    return bands


def outcome_label(outcome: str) -> str:
    """The outcome's plain name from the thresholds file (``sol_min`` -> its label).

    >>> outcome_label("no_such_outcome")
    'no such outcome'
    """
    found = threshold_for(outcome)
    return found.label if found is not None and found.label else outcome.replace("_", " ")


def outcome_unit(outcome: str) -> str:
    """The outcome's unit from the thresholds file, or ``""``."""
    found = threshold_for(outcome)
    return found.unit if found is not None else ""


def outcome_choices() -> list[tuple[str, str]]:
    """Every outcome an experiment can measure, as ``(id, label)`` sorted by label."""
    found = load_thresholds().outcomes
    return sorted(((key, meta.label) for key, meta in found.items()), key=lambda pair: pair[1])

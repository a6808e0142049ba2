"""Insights: each analysis result as a forest plot with its sentence and verdict."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.web import charts
from kratom_journal.web.optional import feature, module
from kratom_journal.web.views import cache_of, journal_of, render

router = APIRouter(include_in_schema=False)

VERDICT_TEXT = {
    "insufficient_data": "Not enough data yet",
    "no_clear_association": "No clear association",
    "associated_better": "Associated with better",
    "associated_worse": "Associated with worse",
    "inconclusive": "Inconclusive",
}


def insight_report(request: Request) -> tuple[Any, str | None]:
    """The insight report (cached until the journal changes), or why there is none."""
    service = feature("insights")
    if service is None:
        return None, None

    def compute() -> tuple[Any, str | None]:
        try:
            return service.run_insights(journal_of(request)), None
        except Exception as exc:  # the analysis layer explains what is missing in plain words
            if isinstance(exc, ValueError | LookupError | ArithmeticError) or \
                    type(exc).__name__ == "AnalysisError":
                return None, str(exc)
            raise

    return cache_of(request).get("insights", compute)


def _bands(request: Request, outcomes: set[str]) -> dict[str, tuple[float, float]]:
    """The meaningful-change band of each outcome, in the outcome's units.

    Thresholds given in units of the person's own standard deviation are scaled
    with the analysis layer's own rule, on the person's day table.
    """
    thresholds: Any = module("kratom_journal.analysis.thresholds")
    service: Any = feature("insights")
    if thresholds is None or service is None:
        return {}
    table = None
    bands: dict[str, tuple[float, float]] = {}
    for outcome in outcomes:
        found = thresholds.threshold_for(outcome)
        if found is None:
            continue
        if getattr(found, "kind", "absolute") == "absolute":
            value = float(found.value)
        else:
            table = table or service.journal_day_table(journal_of(request))
            if not table.has(outcome):
                continue
            value = float(found.in_units(table.column(outcome)))
        bands[outcome] = (-value, value)
    return bands


def outcome_label(outcome: str) -> str:
    """The outcome's plain name from the thresholds file (``sol_min`` -> its label)."""
    thresholds: Any = module("kratom_journal.analysis.thresholds")
    found = thresholds.threshold_for(outcome) if thresholds else None
    return str(getattr(found, "label", "") or outcome.replace("_", " "))


def unit_of(outcome: str) -> str:
    thresholds: Any = module("kratom_journal.analysis.thresholds")
    found = thresholds.threshold_for(outcome) if thresholds else None
    return str(getattr(found, "unit", "") or "") if found else ""


def result_cards(request: Request, report: Any) -> list[dict[str, Any]]:
    bands = _bands(request, {r.outcome for r in report.results})
    cards = []
    for index, result in enumerate(report.results):
        verdict = str(getattr(result.verdict, "value", result.verdict))
        chart = None
        if None not in (result.estimate, result.ci_low, result.ci_high):
            chart = charts.forest_chart(f"forest-{index}",
                                        f"{result.exposure} and {result.outcome}",
                                        result.estimate, result.ci_low, result.ci_high,
                                        bands.get(result.outcome), unit_of(result.outcome))
        cards.append({"result": result, "verdict": verdict,
                      "exposure": result.exposure.replace("_", " "),
                      "outcome": outcome_label(result.outcome),
                      "verdict_text": VERDICT_TEXT.get(verdict, verdict), "chart": chart,
                      "days_needed": getattr(result, "days_needed", 0)})
    return cards


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request) -> Response:
    if feature("insights") is None:
        return render(request, "unavailable.html", {"page": "insights", "title": "Insights",
                                                    "what": "Insights"})
    report, problem = insight_report(request)
    cards = cache_of(request).get("insight_cards", lambda: result_cards(request, report)) \
        if report is not None else []
    decided = [c for c in cards if c["verdict"] != "insufficient_data"]
    waiting = [c for c in cards if c["verdict"] == "insufficient_data"]
    return render(request, "insights.html", {
        "page": "insights", "title": "Insights", "report": report, "problem": problem,
        "cards": decided, "waiting": waiting, "withdrawal": getattr(report, "withdrawal", None)})

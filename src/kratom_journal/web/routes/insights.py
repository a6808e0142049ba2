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


def _band(outcome: str) -> tuple[float, float] | None:
    thresholds = module("kratom_journal.analysis.thresholds")
    found = thresholds.threshold_for(outcome) if thresholds else None
    if found is None:
        return None
    for name in ("meaningful_change", "mcid", "threshold", "value"):
        value = getattr(found, name, None)
        if isinstance(value, int | float) and value > 0:
            return (-float(value), float(value))
    return None


def _unit(outcome: str) -> str:
    thresholds = module("kratom_journal.analysis.thresholds")
    found = thresholds.threshold_for(outcome) if thresholds else None
    return str(getattr(found, "unit", "") or "") if found else ""


def result_cards(report: Any) -> list[dict[str, Any]]:
    cards = []
    for index, result in enumerate(report.results):
        verdict = str(getattr(result.verdict, "value", result.verdict))
        chart = None
        if None not in (result.estimate, result.ci_low, result.ci_high):
            chart = charts.forest_chart(f"forest-{index}",
                                        f"{result.exposure} and {result.outcome}",
                                        result.estimate, result.ci_low, result.ci_high,
                                        _band(result.outcome), _unit(result.outcome))
        cards.append({"result": result, "verdict": verdict,
                      "verdict_text": VERDICT_TEXT.get(verdict, verdict), "chart": chart,
                      "days_needed": getattr(result, "days_needed", 0)})
    return cards


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request) -> Response:
    if feature("insights") is None:
        return render(request, "unavailable.html", {"page": "insights", "title": "Insights",
                                                    "what": "Insights"})
    report, problem = insight_report(request)
    cards = result_cards(report) if report is not None else []
    return render(request, "insights.html", {
        "page": "insights", "title": "Insights", "report": report, "problem": problem,
        "cards": cards, "withdrawal": getattr(report, "withdrawal", None)})

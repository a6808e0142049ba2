"""Insights: each analysis result as a forest plot with its sentence and verdict."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.web.charts import forest_group
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
            if (
                isinstance(exc, ValueError | LookupError | ArithmeticError)
                or type(exc).__name__ == "AnalysisError"
            ):
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
    """Each result with its verdict and plain names."""
    cards = []
    for result in report.results:
        verdict = str(getattr(result.verdict, "value", result.verdict))
        cards.append(
            {
                "result": result,
                "verdict": verdict,
                "exposure": result.exposure.replace("_", " "),
                "outcome": outcome_label(result.outcome),
                "verdict_text": VERDICT_TEXT.get(verdict, verdict),
                "days_needed": getattr(result, "days_needed", 0),
            }
        )
    return cards


def outcome_groups(request: Request, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decided results per outcome: the forest plot and each result's sentence and verdict."""
    bands = _bands(request, {c["result"].outcome for c in cards})
    groups: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        groups.setdefault(card["result"].outcome, []).append(card)
    shown = []
    for index, (outcome, members) in enumerate(groups.items()):
        rows = [
            (c["exposure"], c["result"].estimate, c["result"].ci_low, c["result"].ci_high)
            for c in members
            if None not in (c["result"].estimate, c["result"].ci_low, c["result"].ci_high)
        ]
        chart = (
            forest_group(
                f"forest-{index}", members[0]["outcome"], rows, bands.get(outcome), unit_of(outcome)
            )
            if rows
            else None
        )
        worst = 0 if any(c["verdict"].startswith("associated") for c in members) else 1
        shown.append(
            {"outcome": members[0]["outcome"], "cards": members, "chart": chart, "order": worst}
        )
    return sorted(shown, key=lambda g: g["order"])


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request) -> Response:
    if feature("insights") is None:
        return render(
            request,
            "unavailable.html",
            {"page": "insights", "title": "Insights", "what": "Insights"},
        )
    report, problem = insight_report(request)
    cards = (
        cache_of(request).get("insight_cards", lambda: result_cards(request, report))
        if report is not None
        else []
    )
    decided = [c for c in cards if c["verdict"] != "insufficient_data"]
    waiting = [c for c in cards if c["verdict"] == "insufficient_data"]
    groups = cache_of(request).get("insight_groups", lambda: outcome_groups(request, decided))
    return render(
        request,
        "insights.html",
        {
            "page": "insights",
            "title": "Insights",
            "report": report,
            "problem": problem,
            "groups": groups,
            "waiting": waiting,
            "withdrawal": getattr(report, "withdrawal", None),
        },
    )

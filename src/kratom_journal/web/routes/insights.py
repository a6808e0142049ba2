"""Insights: each analysis result as a forest plot with its sentence and verdict."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.analysis.insights import InsightReport
from kratom_journal.services import insight_views
from kratom_journal.store.journal import Journal
from kratom_journal.web.cache import REFRESH_WAIT_SECONDS, PageCache
from kratom_journal.web.deps import JournalDep, PageCacheDep
from kratom_journal.web.forest_chart import forest_group
from kratom_journal.web.views import render

router = APIRouter(include_in_schema=False)

VERDICT_TEXT = {
    "insufficient_data": "Not enough data yet",
    "no_clear_association": "No clear association",
    "associated_better": "Associated with better",
    "associated_worse": "Associated with worse",
    "inconclusive": "Inconclusive",
}


def insight_report(journal: Journal, cache: PageCache) -> tuple[InsightReport | None, str | None]:
    """The insight report (cached until the journal changes), or why there is none."""
    return cache.get(
        "insights", lambda: insight_views.insight_report(journal), wait=REFRESH_WAIT_SECONDS
    )


def result_cards(report: InsightReport) -> list[dict[str, Any]]:
    """Each result with its verdict and plain names."""
    cards = []
    for result in report.results:
        verdict = str(result.verdict.value)
        cards.append(
            {
                "result": result,
                "verdict": verdict,
                "exposure": result.exposure.replace("_", " "),
                "outcome": insight_views.outcome_label(result.outcome),
                "verdict_text": VERDICT_TEXT.get(verdict, verdict),
                "days_needed": result.days_needed,
            }
        )
    return cards


def outcome_groups(journal: Journal, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decided results per outcome: the forest plot and each result's sentence and verdict."""
    bands = insight_views.meaningful_bands(journal, {c["result"].outcome for c in cards})
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
                f"forest-{index}",
                members[0]["outcome"],
                rows,
                bands.get(outcome),
                insight_views.outcome_unit(outcome),
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
def insights_page(request: Request, journal: JournalDep, cache: PageCacheDep) -> Response:
    report, problem = insight_report(journal, cache)
    cards = cache.get("insight_cards", lambda: result_cards(report)) if report is not None else []
    decided = [c for c in cards if c["verdict"] != "insufficient_data"]
    waiting = [c for c in cards if c["verdict"] == "insufficient_data"]
    groups = cache.get(
        "insight_groups", lambda: outcome_groups(journal, decided), wait=REFRESH_WAIT_SECONDS
    )
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
            "withdrawal": report.withdrawal if report is not None else None,
        },
    )

"""Insights: one short card per outcome family, the details folded away."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.analysis.insights import InsightReport
from kratom_journal.services import insight_views
from kratom_journal.services.insight_page import InsightPage, insight_page
from kratom_journal.store.journal import Journal
from kratom_journal.web.cache import REFRESH_WAIT_SECONDS, PageCache
from kratom_journal.web.deps import JournalDep, PageCacheDep
from kratom_journal.web.interval_chart import interval_svg
from kratom_journal.web.views import render

router = APIRouter(include_in_schema=False)


def insight_report(journal: Journal, cache: PageCache) -> tuple[InsightReport | None, str | None]:
    """The insight report (cached until the journal changes), or why there is none."""
    return cache.get(
        "insights", lambda: insight_views.insight_report(journal), wait=REFRESH_WAIT_SECONDS
    )


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, journal: JournalDep, cache: PageCacheDep) -> Response:
    report, problem = insight_report(journal, cache)
    # Cheap to build from the (cached) report, so always built from the report shown.
    page: InsightPage | None = insight_page(report) if report is not None else None
    return render(
        request,
        "insights.html",
        {
            "page": "insights",
            "title": "Insights",
            "problem": problem,
            "insights": page,
            "svg": interval_svg,
            "updating": cache.updating("insights"),
        },
    )

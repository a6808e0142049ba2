"""Safety: dependence and withdrawal signals, interactions, legal status, evidence."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import JournalError
from kratom_journal.safety.interactions import result_dict
from kratom_journal.services import safety as safety_service
from kratom_journal.services.insight_page import QuestionView, withdrawal_view
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal
from kratom_journal.web import charts
from kratom_journal.web.cache import PageCache
from kratom_journal.web.deps import ClockDep, JournalDep, PageCacheDep, SettingsDep, TodayDep
from kratom_journal.web.routes.insights import insight_report
from kratom_journal.web.views import (
    FormState,
    checked_form,
    not_found,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)

MAX_NAMES = 10


def safety_overview(
    journal: Journal, settings: JournalSettings, today: date, cache: PageCache
) -> safety_service.SafetyOverview:
    """The signals, the journal's interaction checks and the legal status (cached)."""
    return cache.get(
        "safety", lambda: safety_service.safety_overview(journal, today, settings), today
    )


def _page(
    request: Request,
    journal: Journal,
    settings: JournalSettings,
    today: date,
    cache: PageCache,
    state: FormState,
    status: int = 200,
) -> Response:
    overview = safety_overview(journal, settings, today, cache)
    names = [n.strip() for n in request.query_params.get("names", "").split(",") if n.strip()]
    looked_up = [dict(result_dict(c, today)) for c in safety_service.check_names(names[:MAX_NAMES])]
    counts = safety_service.kratom_doses_per_day(
        journal, today, settings.zone, safety_service.doses_trend(overview.report)
    )
    return render(
        request,
        "safety.html",
        {
            "page": "safety",
            "title": "Safety",
            "report": overview.report,
            "checks": overview.checks,
            "legal": overview.legal,
            "legal_detail": overview.legal_detail,
            "legal_problem": overview.legal_problem,
            "looked_up": looked_up,
            "dose_chart": charts.doses_chart(counts.days, counts.counts, counts.trend),
            "names": ", ".join(names),
            "state": state,
            "medicines": safety_service.list_medicines(journal),
            "evidence": safety_service.evidence_panel(),
            "rebound": _rebound(journal, cache),
        },
        status=status,
    )


def _rebound(journal: Journal, cache: PageCache) -> tuple[QuestionView | None, bool]:
    """The insights' answer about nights after a skipped dose (none while there is no report)."""
    report, _ = insight_report(journal, cache)
    return withdrawal_view(report) if report is not None else (None, False)


@router.get("/safety", response_class=HTMLResponse)
def safety_page(
    request: Request,
    journal: JournalDep,
    settings: SettingsDep,
    today: TodayDep,
    cache: PageCacheDep,
) -> Response:
    return _page(request, journal, settings, today, cache, FormState())


@router.post("/safety/medicines")
def declare_medicine(
    request: Request,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    settings: SettingsDep,
    today: TodayDep,
    cache: PageCacheDep,
    clock: ClockDep,
) -> Response:
    """Declare a regular medicine once, so every page checks it for interactions."""
    values = text_values(form)
    try:
        safety_service.declare_medicine(
            journal, values.get("name", ""), daily=values.get("daily") in {"1", "on"}, clock=clock
        )
    except JournalError as exc:
        state = FormState(values=values, errors={"name": exc.message})
        return _page(request, journal, settings, today, cache, state, status=422)
    written(request)
    return redirect("/safety#medicines")


@router.post("/safety/medicines/{medicine_id}/remove", dependencies=[Depends(checked_form)])
def remove_medicine(
    request: Request, medicine_id: str, journal: JournalDep, clock: ClockDep
) -> Response:
    try:
        safety_service.remove_medicine(journal, medicine_id, clock=clock)
    except safety_service.MedicineNotFound:
        # Already removed (a second click): the list shows the current state. An id this
        # journal never had is not found, like any other unknown id.
        declared = safety_service.list_medicines(journal, include_removed=True)
        if not any(m.id == medicine_id for m in declared):
            return not_found(request, "There is no such medicine in this journal.", "safety")
    written(request)
    return redirect("/safety#medicines")

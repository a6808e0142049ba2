"""Report: the clinician report for a period, to read first here and download as PDF or HTML."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.errors import InvalidEntry, JournalError
from kratom_journal.domain.timeparse import parse_optional_day
from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.model import ClinicianReport
from kratom_journal.reports.render import render_html, render_pdf
from kratom_journal.services.clock import Clock
from kratom_journal.services.report import resolve_period
from kratom_journal.store.journal import Journal
from kratom_journal.web.deps import ClockDep, JournalDep
from kratom_journal.web.views import FormState, render

router = APIRouter(include_in_schema=False)


def _build(request: Request, journal: Journal, clock: Clock) -> ClinicianReport:
    params = request.query_params
    period = resolve_period(
        journal,
        parse_optional_day(params.get("from"), "from"),
        parse_optional_day(params.get("to"), "to"),
        clock=clock,
    )
    return build_report(
        journal, period, now=clock.now(), with_analysis=params.get("analysis", "1") == "1"
    )


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, journal: JournalDep, clock: ClockDep) -> Response:
    values = {key: request.query_params.get(key, "") for key in ("from", "to")}
    state = FormState(values=values)
    context: dict[str, Any] = {"page": "report", "title": "Report", "state": state}
    try:
        report = _build(request, journal, clock)
    except InvalidEntry as exc:
        state.errors[exc.field or "from"] = exc.message
        return render(request, "report.html", context, status=422)
    except JournalError as exc:
        state.errors["from"] = str(exc)
        return render(request, "report.html", context, status=422)
    context["report"] = report
    context["query"] = request.url.query
    return render(request, "report.html", context)


@router.get("/report.pdf")
def report_pdf(request: Request, journal: JournalDep, clock: ClockDep) -> Response:
    report = _build(request, journal, clock)
    name = f"kratom-journal-report-{report.period.start}-{report.period.end}.pdf"
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/report.html")
def report_html(request: Request, journal: JournalDep, clock: ClockDep) -> Response:
    report = _build(request, journal, clock)
    name = f"kratom-journal-report-{report.period.start}-{report.period.end}.html"
    return Response(
        render_html(report),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )

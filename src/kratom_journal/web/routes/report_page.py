"""Report: the clinician report for a period, to read first here and download as PDF or HTML."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.web.views import FormState, journal_of, render

router = APIRouter(include_in_schema=False)


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidEntry("expected a date YYYY-MM-DD", name) from None


def _build(request: Request) -> Any:
    from kratom_journal.reports.clinician import build_report
    from kratom_journal.services.report import resolve_period

    params = request.query_params
    journal = journal_of(request)
    period = resolve_period(journal, _day(params.get("from"), "from"), _day(params.get("to"), "to"))
    return build_report(journal, period, with_analysis=params.get("analysis", "1") == "1")


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request) -> Response:
    values = {key: request.query_params.get(key, "") for key in ("from", "to")}
    state = FormState(values=values)
    context: dict[str, Any] = {"page": "report", "title": "Report", "state": state}
    try:
        report = _build(request)
    except InvalidEntry as exc:
        state.errors[exc.field or "from"] = exc.message
        return render(request, "report.html", context, status=422)
    except ValueError as exc:
        state.errors["from"] = str(exc)
        return render(request, "report.html", context, status=422)
    context["report"] = report
    context["query"] = request.url.query
    return render(request, "report.html", context)


@router.get("/report.pdf")
def report_pdf(request: Request) -> Response:
    from kratom_journal.reports.render import render_pdf

    report = _build(request)
    name = f"kratom-journal-report-{report.period.start}-{report.period.end}.pdf"
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/report.html")
def report_html(request: Request) -> Response:
    from kratom_journal.reports.render import render_html

    report = _build(request)
    name = f"kratom-journal-report-{report.period.start}-{report.period.end}.html"
    return Response(
        render_html(report),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )

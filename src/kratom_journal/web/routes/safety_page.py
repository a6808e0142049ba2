"""Safety: dependence and withdrawal signals, interactions, legal status, evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.web.optional import feature
from kratom_journal.web.views import (
    FormState,
    cache_of,
    checked_form,
    journal_of,
    redirect,
    render,
    text_values,
    today_of,
    written,
)

router = APIRouter(include_in_schema=False)

MAX_NAMES = 10


def _unavailable(request: Request) -> Response:
    return render(
        request,
        "unavailable.html",
        {
            "page": "safety",
            "title": "Safety",
            "what": "Safety signals, interactions, legal status and evidence",
        },
    )


def safety_views(request: Request) -> dict[str, Any]:
    """The report, the journal's interaction checks and the legal status (cached)."""
    service: Any = feature("safety")
    journal = journal_of(request)
    today = today_of(request)

    def compute() -> dict[str, Any]:
        report = service.safety_report(journal, today).to_dict()
        checks = [c.to_dict() for c in service.journal_checks(journal)]
        try:
            legal: Any = service.legal_status(journal, None, today).lines()
        except LookupError as exc:
            legal = str(exc)
        return {"report": report, "checks": checks, "legal": legal}

    return cache_of(request).get("safety", compute, today)


TREND_DAYS = 28


def dose_chart(request: Request, report: dict[str, Any]) -> Any:
    """Doses per day over the last four weeks (only those days are read)."""
    from datetime import timedelta

    from kratom_journal.domain.days import journal_day
    from kratom_journal.domain.entries import Dose, Kind
    from kratom_journal.web import charts
    from kratom_journal.web.views import day_start, zone_of

    zone, today = zone_of(request), today_of(request)
    days = [today - timedelta(days=i) for i in range(TREND_DAYS - 1, -1, -1)]
    stored = journal_of(request).entries.list(Kind.DOSE, since=day_start(days[0], zone), tz=zone)
    per_day = dict.fromkeys(days, 0)
    for item in stored:
        if isinstance(item.entry, Dose) and item.entry.substance == "kratom":
            day = journal_day(item.entry.taken_at, item.entry.zone)
            if day in per_day:
                per_day[day] += 1
    trend = next(
        (
            s["values"].get("trend")
            for s in report.get("signals", [])
            if s.get("id") == "doses_trend"
        ),
        None,
    )
    return charts.doses_chart(days, list(per_day.values()), trend)


def _page(request: Request, state: FormState, status: int = 200) -> Response:
    service: Any = feature("safety")
    views = safety_views(request)
    names = [n.strip() for n in request.query_params.get("names", "").split(",") if n.strip()]
    looked_up = [
        dict(service.result_dict(c)) if hasattr(service, "result_dict") else _check_dict(c)
        for c in service.check_names(names[:MAX_NAMES])
    ]
    return render(
        request,
        "safety.html",
        {
            "page": "safety",
            "title": "Safety",
            **views,
            "looked_up": looked_up,
            "dose_chart": dose_chart(request, views["report"]),
            "names": ", ".join(names),
            "state": state,
            "medicines": service.list_medicines(journal_of(request)),
            "evidence": service.evidence_panel(),
        },
        status=status,
    )


def _check_dict(check: Any) -> dict[str, Any]:
    from kratom_journal.safety.interactions import result_dict

    return dict(result_dict(check))


@router.get("/safety", response_class=HTMLResponse)
def safety_page(request: Request) -> Response:
    if feature("safety") is None:
        return _unavailable(request)
    return _page(request, FormState())


@router.post("/safety/medicines")
def declare_medicine(
    request: Request, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Declare a regular medicine once, so every page checks it for interactions."""
    service: Any = feature("safety")
    if service is None:
        return _unavailable(request)
    values = text_values(form)
    try:
        service.declare_medicine(
            journal_of(request), values.get("name", ""), daily=values.get("daily") in {"1", "on"}
        )
    except (ValueError, LookupError) as exc:
        state = FormState(values=values, errors={"name": getattr(exc, "message", str(exc))})
        return _page(request, state, status=422)
    written(request)
    return redirect("/safety#medicines")


@router.post("/safety/medicines/{medicine_id}/remove")
def remove_medicine(
    request: Request, medicine_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    service: Any = feature("safety")
    if service is None:
        return _unavailable(request)
    try:
        service.remove_medicine(journal_of(request), medicine_id)
    except (ValueError, LookupError):
        pass
    written(request)
    return redirect("/safety#medicines")

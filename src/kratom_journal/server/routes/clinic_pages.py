"""The clinician's pages: the patient list with flags and the clinic's crisis policy, each
patient's trends and report, and invite codes for patients who share from their own journal."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.server.deps import (
    AddressDep,
    CurrentDep,
    DbDep,
    ServerClockDep,
    ServerSettingsDep,
)
from kratom_journal.server.views import page
from kratom_journal.server.web_door import FormState, checked_form
from kratom_journal.services.server import clinic, invites, sharing

router = APIRouter(prefix="/clinic", include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _patient_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("no such patient") from None


def _list_context(
    db: DbDep, current: CurrentDep, clock: ServerClockDep, settings: ServerSettingsDep
) -> dict[str, object]:
    rows = sharing.patients(db, current.account.id, clock)
    return {
        "title": "Patients",
        "page": "clinic",
        "patients": rows,
        "flagged": [r for r in rows if r.crisis_day],
        "policy": clinic.clinic_policy(db, settings.default_timezone),
        "areas": [(a, sharing.AREA_LABELS[a]) for a in (*sharing.SHAREABLE, "all")],
        "state": FormState(values={"days": "14"}),
    }


@router.get("", response_class=HTMLResponse)
def patient_list(
    request: Request,
    db: DbDep,
    current: CurrentDep,
    clock: ServerClockDep,
    settings: ServerSettingsDep,
) -> Response:
    return page(request, "clinic.html", _list_context(db, current, clock, settings))


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request,
    patient_id: str,
    db: DbDep,
    current: CurrentDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    summary = sharing.patient_summary(
        db, current.account.id, _patient_id(patient_id), address, clock
    )
    context = {
        "title": summary.row.name,
        "page": "clinic",
        "summary": summary,
        "policy": clinic.clinic_policy(db, settings.default_timezone),
    }
    return page(request, "patient.html", context)


@router.get("/patients/{patient_id}/report.pdf")
def patient_report(
    patient_id: str, db: DbDep, current: CurrentDep, clock: ServerClockDep, address: AddressDep
) -> Response:
    from kratom_journal.reports.clinician import build_report
    from kratom_journal.reports.render import render_pdf
    from kratom_journal.services.report import resolve_period

    patient = _patient_id(patient_id)
    with sharing.patient_journal(
        db, current.account.id, patient, "viewed-report", address, clock
    ) as journal:
        period = resolve_period(journal, None, None)
        report = build_report(journal, period, now=clock.now(), with_analysis=True)
        pdf = render_pdf(report)
    name = f"report-{period.start}-{period.end}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post("/invites")
def new_invite(
    request: Request,
    form: Form,
    db: DbDep,
    current: CurrentDep,
    clock: ServerClockDep,
    settings: ServerSettingsDep,
) -> Response:
    areas = [a for a in form.getlist("areas") if isinstance(a, str)]
    days = form.get("days")
    try:
        number = int(days) if isinstance(days, str) and days.strip().isdigit() else 0
        code = invites.clinician_invite(db, current.account.id, areas, number, clock)
    except InvalidInput as exc:
        context = _list_context(db, current, clock, settings)
        context["state"] = FormState(
            values={"days": days if isinstance(days, str) else ""}, message=str(exc)
        )
        return page(request, "clinic.html", context, status=422)
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return page(
        request,
        "message.html",
        {
            "title": "Invite code",
            "lines": [
                f"Invite code: {code}",
                f"The patient runs, in their own journal: kj share --server {base} --code {code}",
                "or opens Share in their local app. The code works once and expires after "
                f"{number} days; it is shown only now.",
            ],
            "link": ("/clinic", "Back to patients"),
        },
    )

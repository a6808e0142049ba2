"""A person's sharing page: who may read which parts of their journal, until when; revoking."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.server.deps import CurrentDep, DbDep, ServerClockDep
from kratom_journal.server.views import page
from kratom_journal.server.web_door import FormState, checked_form, redirect
from kratom_journal.services.server import clinic, sharing

router = APIRouter(prefix="/sharing", include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]
VIEW_ACTIONS = ("viewed-patient", "viewed-report", "viewed-participant", "study-export")


def _context(
    db: DbDep, current: CurrentDep, clock: ServerClockDep, state: FormState
) -> dict[str, object]:
    return {
        "title": "Sharing",
        "page": "sharing",
        "grants": sharing.grants_given(db, current.account.id),
        "clinicians": sharing.clinicians(db),
        "areas": [(a, sharing.AREA_LABELS[a]) for a in (*sharing.SHAREABLE, "all")],
        "now": clock.now(),
        "views": [
            e
            for e in clinic.audit_events(db, 100, subject_id=current.account.id)
            if e.action in VIEW_ACTIONS
        ],
        "state": state,
    }


@router.get("", response_class=HTMLResponse)
def sharing_page(
    request: Request, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    state = FormState(values={"days": "90"})
    return page(request, "sharing.html", _context(db, current, clock, state))


@router.post("")
def share(
    request: Request, form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    clinician = form.get("clinician")
    days = form.get("days")
    areas = [a for a in form.getlist("areas") if isinstance(a, str)]
    try:
        number = int(days) if isinstance(days, str) and days.strip().isdigit() else 0
        sharing.share_with_clinician(
            db,
            current.account.id,
            clinician if isinstance(clinician, str) else "",
            areas,
            number,
            clock,
        )
    except InvalidInput as exc:
        values = {"days": days if isinstance(days, str) else ""}
        state = FormState(values=values, message=str(exc))
        return page(request, "sharing.html", _context(db, current, clock, state), status=422)
    return redirect("/sharing")


@router.post("/{grant_id}/revoke")
def revoke(
    grant_id: str, _form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    try:
        parsed = uuid.UUID(grant_id)
    except ValueError:
        raise NotFound("no such share") from None
    sharing.revoke(db, current.account.id, parsed, clock)
    return redirect("/sharing")

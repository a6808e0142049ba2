"""The researcher's pages: protocols, freezing, invite codes, monitoring, the pooled
analysis and the pseudonymous exports (both run as background jobs)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.server.deps import AddressDep, CurrentDep, DbDep, ServerClockDep
from kratom_journal.server.views import page
from kratom_journal.server.web_door import FormState, checked_form, redirect, text_values
from kratom_journal.services.server import jobs, research, signin, studies, study_views
from kratom_journal.services.server.protocols import protocol_from_form

router = APIRouter(prefix="/research", include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]
DEFAULTS = {
    "comparison": "strain_a_vs_b",
    "design": "day",
    "weeks": "8",
    "outcome": "quality",
    "block_days": "",
    "washout_days": "0",
    "questionnaires": "phq9",
}


def _study_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("no such study") from None


@router.get("", response_class=HTMLResponse)
def studies_page(
    request: Request, db: DbDep, current: CurrentDep, state: FormState | None = None
) -> Response:
    context = {
        "title": "Studies",
        "page": "research",
        "studies": studies.studies_of(db, current.account.id),
        "state": state or FormState(values=DEFAULTS),
        "choices": research.CHOICES,
    }
    return page(request, "research.html", context, status=422 if state else 200)


@router.post("/studies")
def create(
    request: Request, form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    values = text_values(form)
    try:
        study = studies.create_study(db, current.account.id, protocol_from_form(values), clock)
    except InvalidInput as exc:
        return studies_page(request, db, current, FormState(values=values, message=str(exc)))
    return redirect(f"/research/studies/{study.id}")


@router.get("/studies/{study_id}", response_class=HTMLResponse)
def study_page(
    request: Request,
    study_id: str,
    db: DbDep,
    current: CurrentDep,
    address: AddressDep,
    clock: ServerClockDep,
    state: FormState | None = None,
) -> Response:
    sid = _study_id(study_id)
    context = research.study_page_context(db, current.account.id, sid, address, clock)
    context.update(
        {
            "title": context["study"].title,
            "page": "research",
            "state": state or FormState(values=research.protocol_values(context["study"])),
            "choices": research.CHOICES,
        }
    )
    return page(request, "study.html", context, status=422 if state else 200)


@router.post("/studies/{study_id}/protocol")
def update_protocol(
    request: Request,
    study_id: str,
    form: Form,
    db: DbDep,
    current: CurrentDep,
    address: AddressDep,
    clock: ServerClockDep,
) -> Response:
    values = text_values(form)
    try:
        studies.update_draft(
            db, current.account.id, _study_id(study_id), protocol_from_form(values)
        )
    except InvalidInput as exc:
        return study_page(
            request,
            study_id,
            db,
            current,
            address,
            clock,
            FormState(values=values, message=str(exc)),
        )
    return redirect(f"/research/studies/{study_id}")


@router.post("/studies/{study_id}/open")
def open_study(
    study_id: str, _form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    studies.open_study(db, current.account.id, _study_id(study_id), clock)
    return redirect(f"/research/studies/{study_id}")


@router.post("/studies/{study_id}/close")
def close_study(study_id: str, _form: Form, db: DbDep, current: CurrentDep) -> Response:
    studies.close_study(db, current.account.id, _study_id(study_id))
    return redirect(f"/research/studies/{study_id}")


@router.post("/studies/{study_id}/invites")
def invite(
    request: Request,
    study_id: str,
    form: Form,
    db: DbDep,
    current: CurrentDep,
    clock: ServerClockDep,
) -> Response:
    values = text_values(form)
    uses, days = values.get("uses", ""), values.get("days", "")
    if not (uses.isdigit() and days.isdigit()):
        raise InvalidInput("the number of people and of days must be whole numbers")
    code = studies.study_invite(
        db, current.account.id, _study_id(study_id), int(uses), int(days), clock
    )
    base = str(request.base_url).rstrip("/")
    return page(
        request,
        "message.html",
        {
            "title": "Invite code",
            "lines": [
                f"Invite code: {code}",
                f"Participants on this server open {base}/join?code={code} on their phone.",
                f"Participants with their own journal run: kj share --server {base} --code {code}",
                f"It works for {uses} people for {days} days and is shown only now.",
            ],
            "link": (f"/research/studies/{study_id}", "Back to the study"),
        },
    )


@router.post("/studies/{study_id}/jobs/{kind}")
def run_job(
    study_id: str, kind: str, _form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    if kind not in research.JOB_KINDS:
        raise NotFound("no such job")
    sid = _study_id(study_id)
    studies.own_study(db, current.account.id, sid)
    jobs.enqueue(db, research.JOB_KINDS[kind], {"study_id": str(sid)}, current.account.id, clock)
    return redirect(f"/research/studies/{study_id}")


@router.get("/studies/{study_id}/files/{kind}")
def download(
    study_id: str, kind: str, db: DbDep, current: CurrentDep, address: AddressDep
) -> Response:
    sid = _study_id(study_id)
    found = research.latest_file(db, current.account.id, sid, kind)
    signin.audit(
        db, "study-export", actor_id=current.account.id, study_id=sid, detail=kind, address=address
    )
    name, media_type, content = found
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/studies/{study_id}/monitoring.json")
def monitoring_json(
    study_id: str, db: DbDep, current: CurrentDep, address: AddressDep, clock: ServerClockDep
) -> dict[str, object]:
    found = study_views.monitoring(db, current.account.id, _study_id(study_id), address, clock)
    return research.monitoring_dict(found)

"""Joining a study on the phone (invite code, eligibility, consent, an account), the
participant's study page, and withdrawing consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.server.deps import (
    AddressDep,
    CurrentDep,
    DbDep,
    ServerClockDep,
    ServerSettingsDep,
)
from kratom_journal.server.routes.sign_in_pages import _with_session
from kratom_journal.server.views import page
from kratom_journal.server.web_door import FormState, checked_form, text_values
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import journal_zone
from kratom_journal.services.server import clinic, reminders, signin, studies

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _join_context(
    db: DbDep, code: str, state: FormState, settings: ServerSettingsDep, clock: ServerClockDep
) -> dict[str, object]:
    context: dict[str, object] = {"title": "Join a study", "state": state, "code": code}
    if code:
        info = studies.describe_invite(db, code, clock)
        if info.study is None:
            raise NotFound("this code is not for a study; use it with 'kj share' instead")
        context["study"] = info.study
        if "timezone" not in state.values:
            state.values["timezone"] = clinic.default_timezone(db, settings.default_timezone)
    return context


@router.get("/join", response_class=HTMLResponse)
def join_page(
    request: Request, db: DbDep, settings: ServerSettingsDep, clock: ServerClockDep
) -> Response:
    code = request.query_params.get("code", "")[:64]
    return page(request, "join.html", _join_context(db, code, FormState(), settings, clock))


@router.post("/join")
def join(
    request: Request,
    form: Form,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    values = text_values(form)
    code = values.get("code", "")[:64]
    context = _join_context(db, code, FormState(values=values), settings, clock)
    study = context["study"]
    assert isinstance(study, studies.StudyView)
    answers = {
        i: values.get(f"q{i}") == "yes"
        for i in range(len(study.protocol.eligibility))
        if values.get(f"q{i}") in ("yes", "no")
    }
    try:
        if values.get("consent") != "yes":
            raise InvalidInput("to join, tick that you have read the consent and agree")
        studies.join_study(
            db,
            code,
            answers,
            values.get("protocol_hash", ""),
            timezone=values.get("timezone", "UTC"),
            username=values.get("username", ""),
            password=values.get("password", ""),
            clock=clock,
        )
    except studies.NotEligible as exc:
        return page(request, "message.html", {"title": "Thank you", "lines": [str(exc)]})
    except InvalidInput as exc:
        context["state"] = FormState(values=values, message=str(exc))
        return page(request, "join.html", context, status=422)
    result = signin.sign_in(
        db, values.get("username", ""), values.get("password", ""), address, clock
    )
    if result.token is None:
        return page(
            request,
            "message.html",
            {
                "title": "You joined",
                "lines": ["Sign in with your new username and password."],
                "link": ("/login", "Sign in"),
            },
        )
    response = page(
        request,
        "message.html",
        {
            "title": "You joined the study",
            "lines": [
                "Your schedule starts tomorrow. The Today page shows each day's condition; log "
                "your night and mood there as usual."
            ],
            "link": ("/study", "Your study"),
        },
    )
    return _with_session(response, result.token, settings.secure_cookies)


@router.get("/study", response_class=HTMLResponse)
def study_page(request: Request, db: DbDep, current: CurrentDep, clock: ServerClockDep) -> Response:
    mine = studies.my_participation(db, current.account.id)
    today = clock.now().astimezone(journal_zone(db.journal)).date()
    tonight = experiment_service.tonight(db.journal, today) if mine.status == "active" else None
    plan = reminders.participant_plan(db, current.account.id)
    reminders.refresh_if_changed(db, current.account.id, clock)
    context = {
        "title": "Your study",
        "page": "study",
        "mine": mine,
        "tonight": tonight,
        "reminders": plan,
        "upcoming": plan.upcoming(clock.now()),
        "feed": reminders.feed_state(db, current.account.id),
    }
    return page(request, "participant.html", context)


@router.post("/study/reminders")
def reminder_link(
    request: Request,
    form: Form,
    db: DbDep,
    current: CurrentDep,
    clock: ServerClockDep,
    settings: ServerSettingsDep,
) -> Response:
    """A new calendar link (shown once), or the link stopped."""
    if form.get("action") == "stop":
        reminders.stop_feed(db, current.account.id)
        lines = ["The calendar link no longer works; remove the calendar from your phone."]
        return page(request, "message.html", {"title": "Reminders stopped", "lines": lines})
    token = reminders.new_feed_link(db, current.account.id, clock)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    url = f"{base}/calendar/{token}.ics"
    lines = [
        "Add this address to your phone's calendar as a subscription (it is shown only now; "
        "anyone with it sees your reminder times, nothing else):",
        url,
        'The reminders read "Study: evening check-in" and "Study: morning diary".',
    ]
    link = ("webcal://" + url.removeprefix("https://"), "Open in my calendar")
    context: dict[str, object] = {"title": "Calendar reminders", "lines": lines}
    if url.startswith("https://"):
        context["link"] = link
    return page(request, "message.html", context)


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, db: DbDep, clock: ServerClockDep) -> Response:
    """A participant's reminder feed, fetched by their calendar app (no sign-in: the link's
    token is the key)."""
    text = reminders.feed_text(db, token, clock)
    if text is None:
        return PlainTextResponse("not found", status_code=404)
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"cache-control": "private, no-store"},
    )


@router.post("/study/withdraw")
def withdraw(
    request: Request, form: Form, db: DbDep, current: CurrentDep, clock: ServerClockDep
) -> Response:
    delete = form.get("delete") == "yes"
    studies.withdraw(db, current.account.id, delete, clock)
    lines = ["You have left the study. Nothing more is collected for it."]
    lines.append(
        "Your study data have been deleted."
        if delete
        else "What you logged until now stays in the study, as your consent said."
    )
    return page(request, "message.html", {"title": "Consent withdrawn", "lines": lines})

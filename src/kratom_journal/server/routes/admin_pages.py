"""The admin's pages: accounts, reset links, second factors, the audit log, the clinic's policy."""

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
from kratom_journal.server.web_door import FormState, checked_form, redirect, text_values
from kratom_journal.services.server import accounts, clinic, signin

router = APIRouter(prefix="/admin", include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _account_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("no such account") from None


@router.get("", response_class=HTMLResponse)
def accounts_page(request: Request, db: DbDep, state: FormState | None = None) -> Response:
    context = {
        "title": "Accounts",
        "page": "admin",
        "accounts": accounts.list_accounts(db),
        "roles": accounts.ROLES,
        "state": state or FormState(),
    }
    return page(request, "admin.html", context, status=422 if state else 200)


@router.post("/accounts")
def create_account(
    request: Request,
    form: Form,
    current: CurrentDep,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    values = text_values(form)
    try:
        created = accounts.create_account(
            db,
            values.get("username", ""),
            values.get("display_name", ""),
            values.get("role", ""),
            None,
            timezone=clinic.default_timezone(db, settings.default_timezone),
            clock=clock,
        )
    except InvalidInput as exc:
        return accounts_page(request, db, FormState(values=values, message=str(exc)))
    signin.audit(
        db,
        "account-created",
        actor_id=current.account.id,
        subject_id=created.id,
        detail=created.role,
        address=address,
    )
    token = accounts.issue_reset_link(db, current.account.id, created.id, clock)
    return _link_page(request, settings.public_url, created.username, token, new=True)


def _link_page(request: Request, public_url: str, username: str, token: str, new: bool) -> Response:
    base = public_url.rstrip("/") or str(request.base_url).rstrip("/")
    link = f"{base}/reset/{token}"
    first = f"Account {username} created." if new else f"Reset link for {username}."
    return page(
        request,
        "message.html",
        {
            "title": "One-time link",
            "lines": [
                first,
                "Give this link to the person in a safe way; it sets their password, works once "
                "and expires in 24 hours. It is shown only now.",
                link,
            ],
            "link": ("/admin", "Back to accounts"),
        },
    )


@router.post("/accounts/{account_id}/reset-link")
def reset_link(
    request: Request,
    account_id: str,
    _form: Form,
    current: CurrentDep,
    db: DbDep,
    clock: ServerClockDep,
    settings: ServerSettingsDep,
) -> Response:
    target = accounts.find_account(db, _account_id(account_id))
    token = accounts.issue_reset_link(db, current.account.id, target.id, clock)
    return _link_page(request, settings.public_url, target.username, token, new=False)


@router.post("/accounts/{account_id}/second-factor")
def reset_second_factor(
    account_id: str, _form: Form, current: CurrentDep, db: DbDep, clock: ServerClockDep
) -> Response:
    accounts.reset_second_factor(db, current.account.id, _account_id(account_id), clock)
    return redirect("/admin")


@router.post("/accounts/{account_id}/disable")
def disable(
    account_id: str, form: Form, current: CurrentDep, db: DbDep, clock: ServerClockDep
) -> Response:
    target = _account_id(account_id)
    if target == current.account.id:
        raise InvalidInput("you cannot disable your own account")
    accounts.set_disabled(db, current.account.id, target, form.get("enable") != "1", clock)
    return redirect("/admin")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: DbDep) -> Response:
    events = clinic.audit_events(db)
    return page(request, "audit.html", {"title": "Audit log", "page": "audit", "events": events})


@router.get("/clinic", response_class=HTMLResponse)
def clinic_page(request: Request, db: DbDep, settings: ServerSettingsDep) -> Response:
    policy = clinic.clinic_policy(db, settings.default_timezone)
    state = FormState(values=policy.as_values())
    saved = bool(request.query_params.get("saved"))
    return page(
        request,
        "clinic_settings.html",
        {"title": "Clinic", "page": "clinic-settings", "state": state, "saved": saved},
    )


@router.post("/clinic")
def save_clinic(
    request: Request, form: Form, current: CurrentDep, db: DbDep, address: AddressDep
) -> Response:
    values = text_values(form)
    try:
        clinic.save_policy(db, values)
    except InvalidInput as exc:
        state = FormState(values=values, message=str(exc))
        return page(
            request,
            "clinic_settings.html",
            {"title": "Clinic", "page": "clinic-settings", "state": state},
            status=422,
        )
    signin.audit(db, "clinic-settings-changed", actor_id=current.account.id, address=address)
    return redirect("/admin/clinic?saved=1")

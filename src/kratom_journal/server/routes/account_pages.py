"""One's own account: the password (other sessions end when it changes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.server.deps import CurrentDep, DbDep, ServerClockDep
from kratom_journal.server.views import page
from kratom_journal.server.web_door import FormState, checked_form, redirect
from kratom_journal.services.server import accounts

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    saved = "Password changed; sign in again." if request.query_params.get("saved") else None
    return page(
        request,
        "account.html",
        {"title": "Account", "page": "account", "state": FormState(), "saved": saved},
    )


@router.post("/account/password")
def change_password(
    request: Request, form: Form, current: CurrentDep, db: DbDep, clock: ServerClockDep
) -> Response:
    old, new = form.get("current"), form.get("new")
    try:
        accounts.change_password(
            db,
            current.account.id,
            old if isinstance(old, str) else "",
            new if isinstance(new, str) else "",
            clock,
        )
    except InvalidInput as exc:
        state = FormState(message=str(exc))
        return page(
            request,
            "account.html",
            {"title": "Account", "page": "account", "state": state},
            status=422,
        )
    return redirect("/login")

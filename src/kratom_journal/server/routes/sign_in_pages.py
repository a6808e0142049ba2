"""Signing in (password, then a second factor for staff), out, and resetting a password."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.server.deps import AddressDep, DbDep, ServerClockDep, ServerSettingsDep
from kratom_journal.server.middleware import HOME, session_cookie_name
from kratom_journal.server.views import page
from kratom_journal.server.web_door import CSRF_COOKIE, FormState, checked_form, redirect
from kratom_journal.services.server import accounts, signin
from kratom_journal.services.server.signin import Current

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _text(form: FormData, name: str, limit: int = 512) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _safe_next(target: str) -> str:
    """Only a path on this server (never ``//elsewhere`` or a full URL)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _pending(request: Request) -> Current | None:
    current = request.scope.get("kj_current")
    return current if isinstance(current, Current) else None


def _with_session(response: Response, token: str, secure: bool) -> Response:
    """Set the new session cookie, and a new CSRF cookie with it (nothing carries over)."""
    response.set_cookie(
        session_cookie_name(secure),
        token,
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    target = _safe_next(request.query_params.get("next", "/"))
    return page(request, "login.html", {"title": "Sign in", "state": FormState(), "next": target})


@router.post("/login")
def login(
    request: Request,
    form: Form,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    username = _text(form, "username", 64)
    target = _safe_next(_text(form, "next", 2000) or "/")
    result = signin.sign_in(db, username, _text(form, "password"), address, clock)
    if result.token is None or result.account is None:
        state = FormState(values={"username": username})
        context = {"title": "Sign in", "state": state, "next": target, "message": result.refusal}
        status = 429 if result.refusal != signin.BAD_PASSWORD else 401
        return page(request, "login.html", context, status=status)
    if result.stage == "totp":
        target = "/login/totp"
    elif result.stage == "enrol":
        target = "/login/enrol"
    elif target == "/" and result.account.role in HOME:
        target = HOME[result.account.role]
    return _with_session(redirect(target), result.token, settings.secure_cookies)


@router.get("/login/totp", response_class=HTMLResponse)
def totp_page(request: Request) -> Response:
    if _pending(request) is None:
        return redirect("/login")
    return page(request, "totp.html", {"title": "Second step", "state": FormState()})


@router.post("/login/totp")
def totp(
    request: Request,
    form: Form,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    current = _pending(request)
    if current is None or current.stage != "totp":
        return redirect("/login")
    if not accounts.verify_totp(db, current.account.id, _text(form, "code", 16), clock):
        signin.audit(db, "second-factor-failed", actor_id=current.account.id, address=address)
        context = {
            "title": "Second step",
            "state": FormState(),
            "message": "That code is not right.",
        }
        return page(request, "totp.html", context, status=401)
    token = signin.complete_second_factor(db, current, address, clock)
    return _with_session(
        redirect(HOME.get(current.account.role, "/")), token, settings.secure_cookies
    )


def _enrol_context(db: DbDep, current: Current, message: str | None = None) -> dict[str, object]:
    import segno

    secret = accounts.enrolment_secret(db, current.account.id)
    uri = accounts.totp_uri(secret, current.account.username)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5)
    return {
        "title": "Second step",
        "state": FormState(),
        "secret": secret,
        "qr": qr,
        "message": message,
    }


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_page(request: Request, db: DbDep) -> Response:
    current = _pending(request)
    if current is None or current.stage != "enrol":
        return redirect("/login")
    return page(request, "enrol.html", _enrol_context(db, current))


@router.post("/login/enrol")
def enrol(
    request: Request,
    form: Form,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    current = _pending(request)
    if current is None or current.stage != "enrol":
        return redirect("/login")
    if not accounts.verify_totp(db, current.account.id, _text(form, "code", 16), clock):
        context = _enrol_context(
            db, current, "That code is not right; check the key and try again."
        )
        return page(request, "enrol.html", context, status=401)
    signin.audit(db, "second-factor-enrolled", actor_id=current.account.id, address=address)
    token = signin.complete_second_factor(db, current, address, clock)
    return _with_session(
        redirect(HOME.get(current.account.role, "/")), token, settings.secure_cookies
    )


@router.post("/logout")
def logout(
    request: Request,
    _form: Form,
    db: DbDep,
    clock: ServerClockDep,
    address: AddressDep,
    settings: ServerSettingsDep,
) -> Response:
    current = _pending(request)
    if current is not None:
        signin.sign_out(db, current, address, clock)
    response: RedirectResponse = redirect("/login")
    response.delete_cookie(
        session_cookie_name(settings.secure_cookies),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, token: str, db: DbDep, clock: ServerClockDep) -> Response:
    account = accounts.reset_link_account(db, token, clock)
    return page(
        request,
        "reset.html",
        {"title": "New password", "state": FormState(), "account": account, "token": token},
    )


@router.post("/reset/{token}")
def reset(request: Request, token: str, form: Form, db: DbDep, clock: ServerClockDep) -> Response:
    try:
        accounts.use_reset_link(db, token, _text(form, "password"), clock)
    except InvalidInput as exc:
        account = accounts.reset_link_account(db, token, clock)
        context = {
            "title": "New password",
            "state": FormState(),
            "account": account,
            "token": token,
            "message": str(exc),
        }
        return page(request, "reset.html", context, status=422)
    except NotFound:
        raise
    return page(
        request,
        "message.html",
        {
            "title": "Password changed",
            "lines": ["Your new password is set. Sign in with it now."],
            "link": ("/login", "Sign in"),
        },
    )

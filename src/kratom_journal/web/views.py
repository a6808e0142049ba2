"""What every page shares: rendering with the common context, CSRF-checked forms, redirects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from kratom_journal.web.deps import page_cache_for, settings_for, web_settings_for
from kratom_journal.web.security import CSRF_FIELD, csrf_token, csrf_valid

NAV = [
    ("today", "/", "Today"),
    ("sleep", "/sleep", "Sleep"),
    ("mood", "/mood", "Mood & scores"),
    ("insights", "/insights", "Insights"),
    ("experiments", "/experiments", "Experiments"),
    ("safety", "/safety", "Safety"),
    ("import", "/import", "Import"),
    ("report", "/report", "Report"),
    ("share", "/share", "Share"),
    ("history", "/history", "History"),
    ("settings", "/settings", "Settings"),
]

TABS = [
    ("today", "/", "Today"),
    ("sleep", "/sleep", "Sleep"),
    ("insights", "/insights", "Insights"),
    ("safety", "/safety", "Safety"),
    ("more", "/more", "More"),
]
"""The phone's bottom tab bar; "More" lists the other pages of ``NAV``."""


class CsrfFailed(Exception):
    """A form came without a valid CSRF token (often: the page was open too long)."""


@dataclass
class FormState:
    """What a form shows: the values typed and a message per field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def value(self, name: str, default: object = "") -> str:
        if name in self.values:
            return self.values[name]
        return "" if default is None else str(default)

    def error(self, name: str) -> str | None:
        return self.errors.get(name)


def day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a page with what every page needs (navigation, CSRF token, the journal's zone)."""
    secret = web_settings_for(request).secret
    base = {
        "request": request,
        "nav": NAV,
        "tabs": TABS,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(secret, request.scope.get("kj_csrf_id", "")),
        "zone": settings_for(request).zone_name,
    }
    base.update(context or {})
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(request, template, base, status_code=status)
    return response


async def checked_form(request: Request) -> FormData:
    """The submitted form after its CSRF token is checked (FastAPI dependency)."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    secret = web_settings_for(request).secret
    if not isinstance(given, str) or not csrf_valid(
        secret, request.scope.get("kj_csrf_id", ""), given
    ):
        raise CsrfFailed
    return form


def text_values(form: FormData) -> dict[str, str]:
    """The form's text fields (files and the CSRF token left out)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: go to a page with GET (so reloading does not resend)."""
    return RedirectResponse(url, status_code=303)


def written(request: Request) -> None:
    """Tell the cache that the journal changed through the web app."""
    page_cache_for(request).invalidate()


def not_found(request: Request, text: str, page: str = "") -> HTMLResponse:
    """The "not found" page with one line saying what is missing."""
    return render(
        request, "error.html", {"page": page, "title": "Not found", "text": text}, status=404
    )

"""Settings: time zone, country and region from lists, units, usual times, report details."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.timeparse import zone_names
from kratom_journal.services.settings import SETTINGS, effective_settings, replace_settings
from kratom_journal.web.deps import JournalDep
from kratom_journal.web.routes.entries import safe_next
from kratom_journal.web.views import (
    FormState,
    checked_form,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)

LABELS = {
    "timezone": "Time zone",
    "country": "Country — for crisis lines and helplines",
    "region": "State or province — for legal status",
    "units": "Units",
    "sleep-source-priority": "Sleep sources, most trusted first (comma-separated)",
    "patient-name": "Your name on reports (optional)",
    "patient-birth-date": "Your birth date on reports (optional)",
    "patient-gender": "Gender on reports (optional)",
    "usual-bedtime": "Usual bedtime",
    "usual-rise-time": "Usual time you get up",
}
"""What each setting is called on the page (the settings' own names are for the command line)."""

HINTS = {
    "timezone": "Type to search, e.g. Berlin or New York. New entries are recorded in this zone; "
    "entries already logged keep the zone they were recorded in.",
    "sleep-source-priority": "e.g. Oura, Apple Watch",
    "patient-birth-date": "Entries before this date are refused as typos.",
    "usual-bedtime": "Fills in the sleep diary, so a typical morning takes a few taps.",
    "usual-rise-time": "Fills in the sleep diary.",
}

SHOWN = [key for key in SETTINGS if key != "first-run"]
"""The settings this page shows (the first run's own marker is not one to edit here)."""


def _page(request: Request, state: FormState, saved: bool = False, status: int = 200) -> Response:
    return render(
        request,
        "settings.html",
        {
            "page": "settings",
            "title": "Settings",
            "state": state,
            "saved": saved,
            "settings": [(key, LABELS.get(key, key), HINTS.get(key)) for key in SHOWN],
            "zone_names": zone_names(),
        },
        status=status,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, journal: JournalDep) -> Response:
    current = effective_settings(journal)
    return _page(
        request, FormState(values=dict(current)), saved=request.query_params.get("saved") == "1"
    )


@router.post("/settings")
def save_settings(
    request: Request, form: Annotated[FormData, Depends(checked_form)], journal: JournalDep
) -> Response:
    """Store each setting shown; an empty field goes back to its default. Nothing on error."""
    values = {k: v for k, v in text_values(form).items() if k in SHOWN}
    state = FormState(values=values, errors=replace_settings(journal, values))
    if state.errors:
        state.message = "Nothing was saved; please correct the fields marked below."
        return _page(request, state, status=422)
    written(request)
    return redirect("/settings?saved=1")


@router.post("/settings/country")
def choose_country(
    request: Request, form: Annotated[FormData, Depends(checked_form)], journal: JournalDep
) -> Response:
    """The country chosen inside a crisis screen: stored, and the same page shown again."""
    values = text_values(form)
    next_url = safe_next(values.get("next"), "/")
    country = values.get("country", "").strip()
    if country:
        replace_settings(journal, {"country": country})
        written(request)
    return redirect(next_url)

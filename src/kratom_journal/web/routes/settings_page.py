"""Settings: time zone, country and region, units, sleep-source priority."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.services.settings import SETTINGS, effective_settings, replace_settings
from kratom_journal.web.deps import JournalDep
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
    "timezone": "Time zone (IANA name, e.g. Europe/Berlin)",
    "country": "Country (two letters, e.g. US, DE) — for crisis lines and helplines",
    "region": "Region (ISO 3166-2, e.g. US-TX) — for legal status",
    "units": "Units",
    "sleep-source-priority": "Sleep sources, most trusted first (comma-separated)",
}


def _page(request: Request, state: FormState, saved: bool = False, status: int = 200) -> Response:
    return render(
        request,
        "settings.html",
        {
            "page": "settings",
            "title": "Settings",
            "state": state,
            "saved": saved,
            "settings": [
                (key, LABELS.get(key, key), description)
                for key, (_, description) in SETTINGS.items()
            ],
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
    """Store each setting; an empty field goes back to its default. Nothing is saved on error."""
    values = text_values(form)
    state = FormState(values=values, errors=replace_settings(journal, values))
    if state.errors:
        state.message = "Nothing was saved; please correct the fields marked below."
        return _page(request, state, status=422)
    written(request)
    return redirect("/settings?saved=1")

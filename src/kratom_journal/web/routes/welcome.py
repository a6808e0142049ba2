"""The first run on the web: zone, country and region, medicines, usual sleep times.

A fresh journal opens here; Today offers it until it is done or skipped. It ends
on a page showing the crisis line of the chosen country as a link to call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.timeparse import zone_names
from kratom_journal.safety.crisis import crisis_resources
from kratom_journal.services.first_run import (
    FirstRunAnswers,
    complete_first_run,
    medicine_names,
    skip_first_run,
)
from kratom_journal.services.safety import check_names, list_medicines
from kratom_journal.services.settings import effective_settings
from kratom_journal.web.deps import ClockDep, JournalDep, SettingsDep
from kratom_journal.web.views import FormState, checked_form, redirect, render, text_values, written

router = APIRouter(include_in_schema=False)


def _page(request: Request, state: FormState, status: int = 200) -> Response:
    return render(
        request,
        "welcome.html",
        {"page": "", "title": "Welcome", "state": state, "zone_names": zone_names()},
        status=status,
    )


@router.get("/welcome", response_class=HTMLResponse)
def welcome(request: Request, journal: JournalDep) -> Response:
    current = effective_settings(journal)
    values = {key: current.get(key, "") for key in ("timezone", "country", "region")}
    values["usual-bedtime"] = current.get("usual-bedtime", "")
    values["usual-rise-time"] = current.get("usual-rise-time", "")
    values["zone_from_device"] = "" if journal.settings.get("timezone") else "1"
    return _page(request, FormState(values=values))


@router.post("/welcome")
def save_welcome(
    request: Request,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    clock: ClockDep,
) -> Response:
    values = text_values(form)
    if values.get("action") == "skip":
        skip_first_run(journal)
        written(request)
        return redirect("/")
    answers = FirstRunAnswers(
        timezone=values.get("timezone", ""),
        country=values.get("country", ""),
        region=values.get("region", ""),
        usual_bedtime=values.get("usual-bedtime", ""),
        usual_rise_time=values.get("usual-rise-time", ""),
        medicines=medicine_names(values.get("medicines", "")),
        daily=bool(values.get("daily")),
    )
    result = complete_first_run(journal, answers, clock=clock)
    if result.problems:
        state = FormState(values=values, errors=result.problems)
        state.message = "Nothing was saved yet; please correct the answers marked below."
        return _page(request, state, status=422)
    written(request)
    return redirect("/welcome/done")


@router.get("/welcome/done", response_class=HTMLResponse)
def welcome_done(request: Request, journal: JournalDep, settings: SettingsDep) -> Response:
    medicines = [m.name for m in list_medicines(journal)]
    return render(
        request,
        "welcome_done.html",
        {
            "page": "",
            "title": "Your journal is ready",
            "notice": crisis_resources(settings.country),
            "country": settings.country,
            "checks": check_names(medicines),
            "zone": settings.zone_name,
        },
    )

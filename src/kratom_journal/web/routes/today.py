"""Today: one-tap logging and what is already logged today."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.entries import Dose, Form, Kind, Symptom, Unit
from kratom_journal.domain.errors import ImplausibleEntry
from kratom_journal.services import entries as entry_service
from kratom_journal.store.journal import StoredEntry, live_diary_for_night
from kratom_journal.web import forms
from kratom_journal.web.routes.panels import (
    interaction_note,
    recent_crisis_notice,
    tonight_assignment,
)
from kratom_journal.web.views import (
    FormState,
    cache_of,
    checked_form,
    day_bounds,
    journal_of,
    redirect,
    render,
    text_values,
    today_of,
    written,
    zone_of,
)

router = APIRouter(include_in_schema=False)

PREFILL_STEPS = (2, 14, 60)
"""How far back (days) the dose form looks for the last strain/form/amount (bounded work)."""


def last_kratom_dose(request: Request) -> StoredEntry | None:
    """The most recent kratom dose of the last weeks: pre-filled as a convenience only.

    The search widens step by step, so the usual case (a dose in the last days)
    reads only those days.
    """
    journal, zone = journal_of(request), zone_of(request)
    today = today_of(request)
    for days in PREFILL_STEPS:
        doses = journal.entries.list(Kind.DOSE, since=today - timedelta(days=days), tz=zone)
        kratom = [d for d in doses if isinstance(d.entry, Dose) and d.entry.substance == "kratom"]
        if kratom:
            return kratom[-1]
    return None


def dose_prefill(last: StoredEntry | None) -> dict[str, str]:
    if last is None or not isinstance(last.entry, Dose):
        return {}
    dose = last.entry
    unit = " capsules" if dose.unit is Unit.CAPSULE else dose.unit.value
    return {
        "amount": f"{dose.amount:g}{unit}",
        "strain": dose.strain or "",
        "form": dose.form.value if dose.form else "",
        "product": dose.product or "",
        "grams_per_capsule": f"{dose.grams_per_capsule:g}" if dose.grams_per_capsule else "",
    }


def today_context(request: Request) -> dict[str, Any]:
    journal, zone = journal_of(request), zone_of(request)
    today = today_of(request)
    start, end = day_bounds(today, zone)
    logged: list[StoredEntry] = []
    for kind in (Kind.DOSE, Kind.MOOD, Kind.SIDE_EFFECT):
        logged.extend(journal.entries.list(kind, since=start, until=end, tz=zone))
    last_night = today - timedelta(days=1)
    with journal.session() as session:
        diary = live_diary_for_night(session, last_night)
    if diary is not None:
        logged.append(diary)
    logged.sort(key=entry_service.entry_time)
    last = last_kratom_dose(request)
    return {
        "page": "today",
        "title": "Today",
        "today": today,
        "last_night": last_night,
        "logged": logged,
        "diary": diary,
        "last_dose": last,
        "prefill": dose_prefill(last),
        "forms": {name: FormState() for name in forms.SUBMITTERS},
        "open_form": None,
        "form_choices": [f.value for f in Form],
        "symptoms": [s.value for s in Symptom],
        "substances": forms.SUBSTANCE_CHOICES,
        "summary": entry_service.summary_text,
        "when": when_shown(zone),
        "assignment": tonight_assignment(journal),
        "flash": flash(request),
        "crisis": cache_of(request).get(
            "crisis_today", lambda: recent_crisis_notice(journal), today
        ),
    }


def when_shown(zone: Any) -> Any:
    """A function giving the local clock time an entry is listed at."""

    def when(stored: StoredEntry) -> str:
        entry = stored.entry
        if hasattr(entry, "night"):
            return f"night of {entry.night:%d %b}"
        return f"{entry_service.entry_time(stored).astimezone(zone):%H:%M}"

    return when


def flash(request: Request) -> dict[str, Any] | None:
    """The confirmation shown after a save or delete, with its undo button."""
    journal = journal_of(request)
    for action in ("saved", "edited", "deleted", "restored"):
        entry_id = request.query_params.get(action)
        if entry_id:
            try:
                stored = journal.entries.get(entry_id)
            except (LookupError, ValueError):
                return None
            return {
                "action": action,
                "entry": stored,
                "text": entry_service.summary_text(stored),
                "interaction": interaction_note(stored.entry) if action == "saved" else None,
            }
    return None


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request) -> Response:
    return render(request, "today.html", today_context(request))


@router.post("/log/{form_name}")
def log_entry(
    request: Request, form_name: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Save one of Today's forms; on a mistake show the form again with the message."""
    submit = forms.SUBMITTERS.get(form_name)
    if submit is None:
        return render(
            request,
            "error.html",
            {"title": "Not found", "page": "", "text": "There is no such form."},
            status=404,
        )
    values = text_values(form)
    try:
        stored = submit(journal_of(request), values)
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, form_name)
        context = today_context(request)
        state = FormState(values=values, errors={field or "form": message})
        state.message = message
        context["forms"][form_name] = state
        context["open_form"] = form_name
        context["ask_confirm"] = isinstance(exc, ImplausibleEntry)
        return render(request, "today.html", context, status=422)
    written(request)
    return redirect(f"/?saved={stored.id}#logged")

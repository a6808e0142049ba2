"""Today: one-tap logging and what is already logged today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.entries import Dose, Form, Kind, Symptom, Unit
from kratom_journal.domain.errors import ImplausibleEntry, NotFound
from kratom_journal.services import entries as entry_service
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services import questionnaires as survey_service
from kratom_journal.services.clock import Clock
from kratom_journal.services.safety import interaction_note
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal, StoredEntry
from kratom_journal.web import forms
from kratom_journal.web.cache import PageCache
from kratom_journal.web.deps import ClockDep, JournalDep, PageCacheDep, SettingsDep, TodayDep
from kratom_journal.web.views import (
    FormState,
    checked_form,
    day_bounds,
    not_found,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)


def dose_prefill(last: StoredEntry | None) -> dict[str, str]:
    """The last kratom dose's amount, strain and form, to pre-fill the dose form."""
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


def today_context(
    request: Request,
    journal: Journal,
    settings: JournalSettings,
    clock: Clock,
    today: date,
    cache: PageCache,
) -> dict[str, Any]:
    zone = settings.zone
    start, end = day_bounds(today, zone)
    last_night = today - timedelta(days=1)
    logged = entry_service.logged_between(journal, start, end, zone, last_night)
    diary = next((s for s in logged if s.kind is Kind.SLEEP), None)
    last = entry_service.last_kratom_dose(journal, today, zone)

    def crisis() -> Any:
        return survey_service.recent_crisis_notice(journal, clock.now(), settings)

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
        "assignment": experiment_service.tonight(journal, today),
        "flash": flash(request, journal),
        "crisis": cache.get("crisis_today", crisis, today),
    }


def when_shown(zone: tzinfo) -> Callable[[StoredEntry], str]:
    """A function giving the local clock time an entry is listed at."""

    def when(stored: StoredEntry) -> str:
        entry = stored.entry
        if hasattr(entry, "night"):
            return f"night of {entry.night:%d %b}"
        return f"{entry_service.entry_time(stored).astimezone(zone):%H:%M}"

    return when


def flash(request: Request, journal: Journal) -> dict[str, Any] | None:
    """The confirmation shown after a save or delete, with its undo button."""
    for action in ("saved", "edited", "deleted", "restored"):
        entry_id = request.query_params.get(action)
        if entry_id:
            try:
                stored = journal.entries.get(entry_id)
            except NotFound:
                return None
            note = None
            if action == "saved" and isinstance(stored.entry, Dose):
                note = interaction_note(stored.entry.substance)
            return {
                "action": action,
                "entry": stored,
                "text": entry_service.summary_text(stored),
                "interaction": note,
            }
    return None


@router.get("/", response_class=HTMLResponse)
def today_page(
    request: Request,
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
    today: TodayDep,
    cache: PageCacheDep,
) -> Response:
    context = today_context(request, journal, settings, clock, today, cache)
    return render(request, "today.html", context)


@router.post("/log/{form_name}")
def log_entry(
    request: Request,
    form_name: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
    today: TodayDep,
    cache: PageCacheDep,
) -> Response:
    """Save one of Today's forms; on a mistake show the form again with the message."""
    submit = forms.SUBMITTERS.get(form_name)
    if submit is None:
        return not_found(request, "There is no such form.")
    values = text_values(form)
    try:
        stored = submit(journal, values, settings=settings, clock=clock)
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, form_name)
        context = today_context(request, journal, settings, clock, today, cache)
        state = FormState(values=values, errors={field or "form": message})
        state.message = message
        context["forms"][form_name] = state
        context["open_form"] = form_name
        context["ask_confirm"] = isinstance(exc, ImplausibleEntry)
        return render(request, "today.html", context, status=422)
    written(request)
    return redirect(f"/?saved={stored.id}#logged")

"""Today, and any earlier day: one-tap logging and what is logged on that day.

``/`` is today; ``/?day=YYYY-MM-DD`` opens an earlier day with the same forms and
that day's sleep diary, so a missed day can be filled in. Every form carries its
day and an idempotency key; a time later than now is asked about, never moved.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.date_range import day_in_range
from kratom_journal.domain.entries import Dose, Form, Kind, Symptom, Unit
from kratom_journal.domain.errors import ImplausibleEntry, InvalidEntry, NotFound
from kratom_journal.domain.timeparse import FutureTime, parse_day
from kratom_journal.domain.words import day_text
from kratom_journal.services import entries as entry_service
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services import questionnaires as survey_service
from kratom_journal.services.clock import Clock
from kratom_journal.services.consistency import logging_consistency
from kratom_journal.services.diary_form import DIARY_ITEMS, diary_prefill
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


def day_url(day: date, today: date) -> str:
    """The page of ``day``: ``/`` for today."""
    return "/" if day == today else f"/?day={day.isoformat()}"


def today_context(
    request: Request,
    journal: Journal,
    settings: JournalSettings,
    clock: Clock,
    today: date,
    cache: PageCache,
    day: date | None = None,
) -> dict[str, Any]:
    """What the page of ``day`` (default today) shows."""
    zone = settings.zone
    shown = day or today
    start, end = day_bounds(shown, zone)
    last_night = shown - timedelta(days=1)
    logged = entry_service.logged_between(journal, start, end, zone, last_night)
    diary = next((s for s in logged if s.kind is Kind.SLEEP), None)
    last = entry_service.last_kratom_dose(journal, shown, zone)
    found = flash(request, journal, settings)
    if found and found["entry"].deleted_at and all(s.id != found["entry"].id for s in logged):
        logged = sorted([*logged, found["entry"]], key=entry_service.entry_time)

    def crisis() -> Any:
        return survey_service.recent_crisis_notice(journal, clock.now(), settings)

    here = day_url(shown, today)
    return {
        "page": "today",
        "title": "Today" if shown == today else day_text(shown),
        "today": today,
        "page_day": shown,
        "is_today": shown == today,
        "yesterday": today - timedelta(days=1),
        "previous_day": shown - timedelta(days=1),
        "next_day": shown + timedelta(days=1) if shown < today else None,
        "here": here,
        "last_night": last_night,
        "logged": logged,
        "diary": diary,
        "diary_items": DIARY_ITEMS,
        "diary_prefill": {} if diary else diary_prefill(journal, settings, last_night),
        "last_dose": last,
        "prefill": dose_prefill(last),
        "forms": {name: FormState() for name in forms.SUBMITTERS},
        "keys": {name: forms.new_form_key() for name in [*forms.SUBMITTERS, "quick"]},
        "open_form": None,
        "form_choices": [f.value for f in Form],
        "symptoms": [s.value for s in Symptom],
        "substances": forms.SUBSTANCE_CHOICES,
        "summary": entry_service.summary_text,
        "when": lambda stored: entry_service.when_text(stored, settings.zone_name, False),
        "assignment": experiment_service.tonight(journal, shown) if shown == today else None,
        "flash": found,
        "crisis": cache.get("crisis_today", crisis, today),
        "first_run": settings.first_run_open,
        "consistency": (
            cache.get("consistency", lambda: logging_consistency(journal, settings, today), today)
            if shown == today
            else None
        ),
    }


def flash(request: Request, journal: Journal, settings: JournalSettings) -> dict[str, Any] | None:
    """The confirmation shown after a save, change or delete, with its undo button."""
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
                "when": entry_service.when_text(stored, settings.zone_name),
                "interaction": note,
            }
    return None


def shown_day(request: Request, today: date, clock: Clock) -> tuple[date | None, str | None]:
    """The day ``?day=`` asks for, or why it cannot be shown."""
    text = request.query_params.get("day")
    if not text:
        return None, None
    try:
        day = parse_day(text, "day")
    except InvalidEntry as exc:
        return None, exc.message
    if day > today:
        return None, f"{day_text(day)} has not come yet; you can fill in today or earlier days"
    if not day_in_range(day, clock.now()):
        return None, f"{day.isoformat()} is before 1970, the earliest day the journal takes"
    return day, None


@router.get("/", response_class=HTMLResponse)
def today_page(
    request: Request,
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
    today: TodayDep,
    cache: PageCacheDep,
) -> Response:
    if settings.first_run_open and _fresh(journal, request):
        return redirect("/welcome")
    day, problem = shown_day(request, today, clock)
    context = today_context(request, journal, settings, clock, today, cache, day)
    context["day_problem"] = problem
    return render(request, "today.html", context, status=422 if problem else 200)


def _fresh(journal: Journal, request: Request) -> bool:
    """A journal never set up and still empty opens on the first-run questions."""
    if request.query_params or journal.settings.all():
        return False
    return not journal.entries.list()


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
    """Save one of the day's forms; on a mistake or a question show the form again."""
    submit = forms.SUBMITTERS.get(form_name)
    if submit is None:
        return not_found(request, "There is no such form.")
    values = text_values(form)
    page_day = _page_day(values, today)
    try:
        stored = submit(journal, values, settings=settings, clock=clock)
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, form_name)
        context = today_context(request, journal, settings, clock, today, cache, page_day)
        state = FormState(values=values, errors={field or "form": message})
        state.message = message
        context["forms"][form_name] = state
        context["open_form"] = form_name
        context["ask_confirm"] = isinstance(exc, ImplausibleEntry)
        if isinstance(exc, FutureTime):
            state.errors = {}
            context["future"] = exc
        return render(request, "today.html", context, status=422)
    written(request)
    target = day_url(page_day or today, today)
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}saved={stored.id}#entry-{stored.id}")


def _page_day(values: dict[str, str], today: date) -> date | None:
    """The day whose page a form was sent from (to show it again)."""
    try:
        day = parse_day(values.get("page_day", ""), "page_day")
    except InvalidEntry:
        return None
    return day if day < today else None

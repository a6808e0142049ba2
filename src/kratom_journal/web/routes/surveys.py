"""Questionnaires one item per screen; crisis resources first whenever an answer calls for them.

Which answers call for them is the instrument's own rule
(:func:`~kratom_journal.instruments.scoring.safety_flags`; PHQ-9: item 9 above 0).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import JournalError, NotFound
from kratom_journal.instruments import Instrument, InstrumentError
from kratom_journal.services import questionnaires as survey_service
from kratom_journal.services.settings import JournalSettings, read_settings, replace_settings
from kratom_journal.store.journal import Journal
from kratom_journal.web.deps import ClockDep, JournalDep, SettingsDep
from kratom_journal.web.views import (
    checked_form,
    not_found,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)


def _instrument(instrument_id: str) -> Instrument | None:
    try:
        return survey_service.survey_instrument(instrument_id)
    except InstrumentError:
        return None


def _answers(text: str, count: int) -> list[int | None]:
    """Answers so far, carried in the form as ``0,1,,2`` (empty: skipped)."""
    values: list[int | None] = []
    for part in text.split(",")[:count] if text else []:
        values.append(int(part) if part.strip().isdigit() else None)
    return values


def _item_page(
    request: Request,
    journal: Journal,
    settings: JournalSettings,
    instrument: Instrument,
    answers: list[int | None],
    error: str | None = None,
) -> Response:
    step = len(answers)
    item = instrument.items[step]
    given = {item.id: value for item, value in zip(instrument.items, answers, strict=False)}
    return render(
        request,
        "survey_item.html",
        {
            "page": "mood",
            "title": instrument.short_name,
            "instrument": instrument,
            "item": item,
            "options": instrument.options(item),
            "step": step,
            "total_steps": len(instrument.items),
            "answers": _encode(answers),
            "error": error,
            "crisis": survey_service.crisis_notice_if_needed(journal, instrument, given, settings),
        },
        status=422 if error else 200,
    )


def _encode(answers: list[int | None]) -> str:
    return ",".join("" if a is None else str(a) for a in answers)


def _no_survey(request: Request) -> Response:
    return not_found(request, "There is no such questionnaire.", page="mood")


@router.get("/surveys/{instrument_id}", response_class=HTMLResponse)
def survey_start(request: Request, instrument_id: str) -> Response:
    instrument = _instrument(instrument_id)
    if instrument is None:
        return _no_survey(request)
    return render(
        request,
        "survey_intro.html",
        {"page": "mood", "title": instrument.short_name, "instrument": instrument},
    )


@router.post("/surveys/{instrument_id}")
def survey_step(
    request: Request,
    instrument_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Take one answer and show the next item, or save and show the result."""
    instrument = _instrument(instrument_id)
    if instrument is None:
        return _no_survey(request)
    values = text_values(form)
    answers = _answers(values.get("answers", ""), len(instrument.items))
    action = values.get("action", "next")
    if action == "country":
        # Chosen inside the crisis screen: the same question again, now with the country's line.
        if values.get("country", "").strip():
            replace_settings(journal, {"country": values["country"]})
            written(request)
        return _item_page(request, journal, read_settings(journal), instrument, answers)
    if action == "back" and answers:
        return _item_page(request, journal, settings, instrument, answers[:-1])
    if action in {"next", "skip"} and "item" in values and len(answers) < len(instrument.items):
        if action == "next":
            choice = values.get("answer", "")
            allowed = {o.value for o in instrument.options(instrument.items[len(answers)])}
            if not choice.isdigit() or int(choice) not in allowed:
                return _item_page(
                    request,
                    journal,
                    settings,
                    instrument,
                    answers,
                    "Choose one answer, or skip it.",
                )
            answers.append(int(choice))
        else:
            answers.append(None)
    if len(answers) < len(instrument.items):
        return _item_page(request, journal, settings, instrument, answers)
    by_id = {item.id: value for item, value in zip(instrument.items, answers, strict=True)}
    try:
        stored = survey_service.record_administration(
            journal,
            instrument,
            by_id,
            at=clock.now_in(settings.zone),
            zone=settings.zone_name,
            clock=clock,
            settings=settings,
        )
    except JournalError as exc:
        return _item_page(request, journal, settings, instrument, answers[:-1], str(exc))
    written(request)
    return redirect(f"/surveys/results/{stored.id}")


@router.get("/surveys/results/{administration_id}", response_class=HTMLResponse)
def survey_result(
    request: Request, administration_id: str, journal: JournalDep, settings: SettingsDep
) -> Response:
    try:
        administration = survey_service.find_administration(journal, administration_id)
    except NotFound:
        return not_found(request, "There is no such result.", page="mood")
    crisis = (
        survey_service.crisis_notice_for(journal, settings)
        if administration.result.crisis
        else None
    )
    return render(
        request,
        "survey_result.html",
        {
            "page": "mood",
            "title": f"{administration.instrument.short_name} result",
            "administration": administration,
            "crisis": crisis,
            "view": survey_service.administration_view(administration),
        },
    )

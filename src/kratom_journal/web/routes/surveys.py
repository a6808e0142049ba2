"""Questionnaires one item per screen; crisis resources first whenever PHQ-9 item 9 is above 0."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.web.optional import feature
from kratom_journal.web.views import (
    checked_form,
    journal_of,
    redirect,
    render,
    text_values,
    written,
    zone_of,
)

router = APIRouter(include_in_schema=False)


def _unavailable(request: Request) -> Response:
    return render(
        request,
        "unavailable.html",
        {"page": "mood", "title": "Questionnaires", "what": "Questionnaires"},
        status=404,
    )


def _instrument(instrument_id: str) -> Any:
    from kratom_journal.instruments.loader import shipped_instrument

    try:
        return shipped_instrument(instrument_id)
    except (KeyError, ValueError, OSError):
        return None


def _answers(text: str, count: int) -> list[int | None]:
    """Answers so far, carried in the form as ``0,1,,2`` (empty: skipped)."""
    values: list[int | None] = []
    for part in text.split(",")[:count] if text else []:
        values.append(int(part) if part.strip().isdigit() else None)
    return values


def _crisis(request: Request, instrument: Any, answers: list[int | None]) -> Any:
    from kratom_journal.safety.crisis import needs_crisis_notice

    if not instrument.safety:
        return None
    items = instrument.items
    by_id = {item.id: value for item, value in zip(items, answers, strict=False)}
    if instrument.id == "phq9" and needs_crisis_notice(by_id, "phq9"):
        return feature("questionnaires").crisis_notice_for(journal_of(request))  # type: ignore[union-attr]
    return None


def _item_page(
    request: Request, instrument: Any, answers: list[int | None], error: str | None = None
) -> Response:
    step = len(answers)
    item = instrument.items[step]
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
            "crisis": _crisis(request, instrument, answers),
        },
        status=422 if error else 200,
    )


def _encode(answers: list[int | None]) -> str:
    return ",".join("" if a is None else str(a) for a in answers)


@router.get("/surveys/{instrument_id}", response_class=HTMLResponse)
def survey_start(request: Request, instrument_id: str) -> Response:
    if feature("questionnaires") is None:
        return _unavailable(request)
    instrument = _instrument(instrument_id)
    if instrument is None:
        return render(
            request,
            "error.html",
            {"page": "mood", "title": "Not found", "text": "There is no such questionnaire."},
            status=404,
        )
    return render(
        request,
        "survey_intro.html",
        {"page": "mood", "title": instrument.short_name, "instrument": instrument},
    )


@router.post("/surveys/{instrument_id}")
def survey_step(
    request: Request, instrument_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Take one answer and show the next item, or save and show the result."""
    service = feature("questionnaires")
    instrument = _instrument(instrument_id) if service else None
    if service is None or instrument is None:
        return _unavailable(request)
    values = text_values(form)
    answers = _answers(values.get("answers", ""), len(instrument.items))
    action = values.get("action", "next")
    if action == "back" and answers:
        return _item_page(request, instrument, answers[:-1])
    if action in {"next", "skip"} and "item" in values and len(answers) < len(instrument.items):
        if action == "next":
            choice = values.get("answer", "")
            allowed = {o.value for o in instrument.options(instrument.items[len(answers)])}
            if not choice.isdigit() or int(choice) not in allowed:
                return _item_page(request, instrument, answers, "Choose one answer, or skip it.")
            answers.append(int(choice))
        else:
            answers.append(None)
    if len(answers) < len(instrument.items):
        return _item_page(request, instrument, answers)
    by_id = {item.id: value for item, value in zip(instrument.items, answers, strict=True)}
    moment = datetime.now(zone_of(request))
    try:
        stored = service.record_administration(
            journal_of(request), instrument, by_id, at=moment, zone=str(zone_of(request))
        )
    except ValueError as exc:
        return _item_page(request, instrument, answers[:-1], str(exc))
    written(request)
    return redirect(f"/surveys/results/{stored.id}")


@router.get("/surveys/results/{administration_id}", response_class=HTMLResponse)
def survey_result(request: Request, administration_id: str) -> Response:
    service = feature("questionnaires")
    if service is None:
        return _unavailable(request)
    found = [
        a for a in service.list_administrations(journal_of(request)) if a.id == administration_id
    ]
    if not found:
        return render(
            request,
            "error.html",
            {"page": "mood", "title": "Not found", "text": "There is no such result."},
            status=404,
        )
    administration = found[0]
    crisis = (
        service.crisis_notice_for(journal_of(request)) if administration.result.crisis else None
    )
    return render(
        request,
        "survey_result.html",
        {
            "page": "mood",
            "title": f"{administration.instrument.short_name} result",
            "administration": administration,
            "crisis": crisis,
            "view": service.administration_view(administration),
        },
    )

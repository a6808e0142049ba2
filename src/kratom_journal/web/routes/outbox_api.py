"""``POST /api/v1/forms/{form}``: one of Today's forms, sent by the phone's outbox.

The outbox (static/outbox.js) keeps what was typed while the journal could not be
reached and sends it here later, as the form's fields in JSON, with the id it drew
for the entry as ``Idempotency-Key``. That key is the form's own idempotency key,
so an entry whose answer was lost and is sent again is written once. Errors come
back as 422 with the form field named, in the JSON API's shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from kratom_journal.services import entries as entry_service
from kratom_journal.web import forms
from kratom_journal.web.deps import ClockDep, JournalDep, SettingsDep
from kratom_journal.web.views import written

router = APIRouter(prefix="/api/v1")

MAX_OUTBOX_KEY = 64
"""A form key is at most 64 characters (see ``forms.form_key``)."""


class FormValues(BaseModel):
    """The form's fields as typed (names as on the page)."""

    model_config = ConfigDict(extra="forbid")
    values: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=2000)]]


def _key(given: str | None) -> str:
    if (
        given is None
        or not given.strip()
        or len(given) > MAX_OUTBOX_KEY
        or not (given.isascii() and given.isprintable())
    ):
        raise HTTPException(
            422,
            [
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": f"send an Idempotency-Key of 1 to {MAX_OUTBOX_KEY} printable "
                    "ASCII characters",
                    "type": "missing_key",
                }
            ],
        )
    return given


@router.post("/forms/{form_name}", tags=["outbox"], status_code=201, summary="Send a form")
def send_form(
    request: Request,
    form_name: str,
    body: FormValues,
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Store the entry one of Today's forms describes, once per key."""
    submit = forms.SUBMITTERS.get(form_name)
    if submit is None:
        raise HTTPException(404, f"no form {form_name!r}; known: {', '.join(forms.SUBMITTERS)}")
    values = {k: v for k, v in body.values.items() if k != "csrf_token"}
    values[forms.KEY_FIELD] = _key(idempotency_key)
    try:
        stored = submit(journal, values, settings=settings, clock=clock)
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, form_name)
        raise HTTPException(
            422,
            [{"loc": ["body", "values", field], "msg": message, "type": type(exc).__name__}],
        ) from None
    written(request)
    return {
        "id": stored.id,
        "kind": stored.kind.value,
        "summary": entry_service.summary_text(stored),
    }

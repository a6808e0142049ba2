"""Delete forever: an entry and its history removed for good, after a confirmation page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import NotFound
from kratom_journal.services import entries as entry_service
from kratom_journal.services.purge import PURGE_WARNING, purge
from kratom_journal.store.journal import StoredEntry
from kratom_journal.web.deps import JournalDep
from kratom_journal.web.routes.entries import safe_next
from kratom_journal.web.views import (
    FormState,
    checked_form,
    not_found,
    redirect,
    render,
    text_values,
)

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, stored: StoredEntry, state: FormState, next_url: str, status: int = 200
) -> Response:
    return render(
        request,
        "purge.html",
        {
            "page": "history",
            "title": "Delete forever",
            "stored": stored,
            "summary": entry_service.summary_text(stored),
            "warning": PURGE_WARNING,
            "state": state,
            "next": next_url,
        },
        status=status,
    )


@router.get("/entries/{entry_id}/purge", response_class=HTMLResponse)
def purge_form(request: Request, entry_id: str, journal: JournalDep) -> Response:
    try:
        stored = journal.entries.get(entry_id)
    except NotFound:
        return not_found(request, "There is no such entry.")
    return _page(request, stored, FormState(), safe_next(request.query_params.get("next")))


@router.post("/entries/{entry_id}/purge")
def purge_entry(
    request: Request,
    entry_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
) -> Response:
    """Remove the entry for good, only when the confirmation box was ticked."""
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    try:
        stored = journal.entries.get(entry_id)
    except NotFound:
        return not_found(request, "There is no such entry.")
    if values.get("confirm") != "1":
        message = "tick the box to confirm; nothing was removed"
        state = FormState(values=values, errors={"confirm": message}, message=message)
        return _page(request, stored, state, next_url, status=422)
    purge(journal, stored.id)
    request.app.state.page_cache.invalidate()
    return redirect(next_url)

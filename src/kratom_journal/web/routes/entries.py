"""Editing, deleting and restoring one entry (from Today and History)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import ImplausibleEntry, NotFound
from kratom_journal.domain.words import zone_time_label
from kratom_journal.services import entries as entry_service
from kratom_journal.services.editing import (
    CHOICES,
    changed_fields,
    editable_fields,
    revert_last_edit,
    shown_values,
)
from kratom_journal.store.journal import StoredEntry
from kratom_journal.web import forms
from kratom_journal.web.deps import ClockDep, JournalDep, SettingsDep, settings_for
from kratom_journal.web.views import (
    FormState,
    checked_form,
    not_found,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)


def safe_next(value: str | None, default: str = "/history") -> str:
    """Only paths of this app are followed after a form (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _with_query(path: str, key: str, value: str) -> str:
    """``path`` with ``key=value`` added, scrolled to the entry the action was on."""
    base = path.partition("#")[0]
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}{key}={value}#entry-{value}"


def _edit_page(
    request: Request,
    stored: StoredEntry,
    state: FormState,
    next_url: str,
    status: int = 200,
    ask_confirm: bool = False,
) -> Response:
    settings = settings_for(request)
    return render(
        request,
        "edit.html",
        {
            "page": "history",
            "title": f"Change this {stored.kind.value.replace('-', ' ')}",
            "stored": stored,
            "when": entry_service.when_text(stored, settings.zone_name),
            "other_zone": entry_other_zone(stored, settings.zone_name),
            "fields": [(f.name, f.label, f.input) for f in editable_fields(stored.kind)],
            "choices": CHOICES,
            "state": state,
            "next": next_url,
            "ask_confirm": ask_confirm,
            "summary": entry_service.summary_text(stored),
        },
        status=status,
    )


def entry_other_zone(stored: StoredEntry, journal_zone: str) -> str | None:
    """The place of the zone an entry was recorded in, when it is not the journal's now."""
    zone = stored.entry.zone
    return zone_time_label(zone) if zone and zone != journal_zone else None


def _no_entry(request: Request) -> Response:
    return not_found(request, "There is no such entry.")


@router.get("/entries/{entry_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, entry_id: str, journal: JournalDep, settings: SettingsDep
) -> Response:
    try:
        stored = journal.entries.get(entry_id)
    except NotFound:
        return _no_entry(request)
    shown = shown_values(stored, settings.zone)
    next_url = safe_next(request.query_params.get("next"))
    return _edit_page(request, stored, FormState(values=shown), next_url)


@router.post("/entries/{entry_id}/edit")
def save_edit(
    request: Request,
    entry_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Save the fields that changed; the earlier version stays in the entry's history."""
    try:
        stored = journal.entries.get(entry_id)
    except NotFound:
        return _no_entry(request)
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    changes = changed_fields(stored, values, settings.zone)
    try:
        if changes:
            entry_service.edit(
                journal,
                stored.id,
                changes,
                forms.confirmed(values),
                settings=settings,
                clock=clock,
            )
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, stored.kind.value)
        state = FormState(values=values, errors={field or "form": message}, message=message)
        return _edit_page(
            request,
            stored,
            state,
            next_url,
            status=422,
            ask_confirm=isinstance(exc, ImplausibleEntry),
        )
    written(request)
    return redirect(_with_query(next_url, "edited" if changes else "saved", stored.id))


@router.post("/entries/{entry_id}/delete")
def delete_entry(
    request: Request,
    entry_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
) -> Response:
    """Delete (softly): the entry can be restored with the Undo button that follows."""
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    try:
        stored = entry_service.delete_entry(
            journal, entry_id, forms.form_key(values, f"delete:{entry_id}")
        )
    except NotFound:
        return _no_entry(request)
    written(request)
    return redirect(_with_query(next_url, "deleted", stored.id))


@router.post("/entries/{entry_id}/restore")
def restore_entry(
    request: Request,
    entry_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
) -> Response:
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    try:
        stored = entry_service.restore_entry(
            journal, entry_id, forms.form_key(values, f"restore:{entry_id}")
        )
    except NotFound:
        return _no_entry(request)
    written(request)
    return redirect(_with_query(next_url, "restored", stored.id))


@router.post("/entries/{entry_id}/revert")
def revert_edit(
    request: Request,
    entry_id: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
) -> Response:
    """Undo the latest change: the entry gets its previous version back (as a new version)."""
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    try:
        stored, changed = revert_last_edit(
            journal, entry_id, forms.form_key(values, f"revert:{entry_id}")
        )
    except NotFound:
        return _no_entry(request)
    if changed:
        written(request)
    return redirect(_with_query(next_url, "restored", stored.id))

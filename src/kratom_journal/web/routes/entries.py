"""Editing, deleting and restoring one entry (from Today and History)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.entries import Form, Kind, Symptom, Unit
from kratom_journal.domain.errors import ImplausibleEntry
from kratom_journal.services import entries as entry_service
from kratom_journal.store.journal import EntryNotFound, StoredEntry
from kratom_journal.web import forms
from kratom_journal.web.views import (
    FormState,
    checked_form,
    journal_of,
    redirect,
    render,
    text_values,
    written,
    zone_of,
)

router = APIRouter(include_in_schema=False)

EDIT_FIELDS: dict[Kind, list[tuple[str, str, str]]] = {
    Kind.DOSE: [
        ("taken_at", "When", "datetime-local"),
        ("amount", "Amount", "number"),
        ("unit", "Unit", "select"),
        ("substance", "Substance", "text"),
        ("form", "Form", "select"),
        ("strain", "Strain (as on the pack)", "text"),
        ("product", "Product or vendor", "text"),
        ("grams_per_capsule", "Grams per capsule", "number"),
        ("note", "Note", "text"),
    ],
    Kind.SLEEP: [
        ("night", "Night of (evening date)", "date"),
        ("bed_at", "Into bed", "time"),
        ("tried_at", "Tried to sleep", "time"),
        ("sol_min", "Minutes to fall asleep", "int"),
        ("awakenings", "Awakenings", "int"),
        ("waso_min", "Minutes awake in the night", "int"),
        ("final_wake_at", "Final awakening", "time"),
        ("out_of_bed_at", "Out of bed", "time"),
        ("quality", "Quality 1-5", "int"),
        ("nap_count", "Naps", "int"),
        ("nap_min", "Minutes napped", "int"),
        ("note", "Note", "text"),
    ],
    Kind.MOOD: [
        ("at", "When", "datetime-local"),
        ("mood", "Mood 0-10", "int"),
        ("anxiety", "Anxiety 0-10", "int"),
        ("energy", "Energy 0-10", "int"),
        ("note", "Note", "text"),
    ],
    Kind.SIDE_EFFECT: [
        ("at", "When", "datetime-local"),
        ("symptom", "Symptom", "select"),
        ("severity", "Severity 0-3", "int"),
        ("note", "Note", "text"),
    ],
}

CHOICES = {
    "unit": [u.value for u in Unit],
    "form": ["", *(f.value for f in Form)],
    "symptom": [s.value for s in Symptom],
}


def safe_next(value: str | None, default: str = "/history") -> str:
    """Only paths of this app are followed after a form (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _with_query(path: str, key: str, value: str) -> str:
    base, _, fragment = path.partition("#")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}{key}={value}" + (f"#{fragment}" if fragment else "")


def _edit_page(
    request: Request,
    stored: StoredEntry,
    state: FormState,
    next_url: str,
    status: int = 200,
    ask_confirm: bool = False,
) -> Response:
    return render(
        request,
        "edit.html",
        {
            "page": "history",
            "title": f"Change this {stored.kind.value.replace('-', ' ')}",
            "stored": stored,
            "fields": EDIT_FIELDS[stored.kind],
            "choices": CHOICES,
            "state": state,
            "next": next_url,
            "ask_confirm": ask_confirm,
            "summary": entry_service.summary_text(stored),
        },
        status=status,
    )


def _find(request: Request, entry_id: str) -> StoredEntry:
    return journal_of(request).entries.get(entry_id)


@router.get("/entries/{entry_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, entry_id: str) -> Response:
    try:
        stored = _find(request, entry_id)
    except (EntryNotFound, ValueError):
        return _not_found(request)
    shown = forms.edit_values(entry_service.entry_view(stored), zone_of(request))
    next_url = safe_next(request.query_params.get("next"))
    return _edit_page(request, stored, FormState(values=shown), next_url)


@router.post("/entries/{entry_id}/edit")
def save_edit(
    request: Request, entry_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Save the fields that changed; the earlier version stays in the entry's history."""
    try:
        stored = _find(request, entry_id)
    except (EntryNotFound, ValueError):
        return _not_found(request)
    values = text_values(form)
    next_url = safe_next(values.get("next"))
    before = forms.edit_values(entry_service.entry_view(stored), zone_of(request))
    names = [name for name, _, _ in EDIT_FIELDS[stored.kind]]
    changes = {
        n: values.get(n, "").strip()
        for n in names
        if values.get(n, "").strip() != before.get(n, "")
    }
    try:
        if changes:
            entry_service.edit(journal_of(request), stored.id, changes, forms.confirmed(values))
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
    request: Request, entry_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Delete (softly): the entry can be restored with the Undo button that follows."""
    next_url = safe_next(text_values(form).get("next"))
    try:
        stored = journal_of(request).entries.delete(entry_id)
    except (EntryNotFound, ValueError):
        return _not_found(request)
    written(request)
    return redirect(_with_query(next_url, "deleted", stored.id))


@router.post("/entries/{entry_id}/restore")
def restore_entry(
    request: Request, entry_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    next_url = safe_next(text_values(form).get("next"))
    try:
        stored = journal_of(request).entries.undelete(entry_id)
    except (EntryNotFound, ValueError):
        return _not_found(request)
    written(request)
    return redirect(_with_query(next_url, "restored", stored.id))


def _not_found(request: Request) -> Response:
    return render(
        request,
        "error.html",
        {"page": "", "title": "Not found", "text": "There is no such entry."},
        status=404,
    )


@router.post("/entries/{entry_id}/revert")
def revert_edit(
    request: Request, entry_id: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Undo the latest change: the entry gets its previous version back (as a new version)."""
    next_url = safe_next(text_values(form).get("next"))
    journal = journal_of(request)
    try:
        stored = journal.entries.get(entry_id)
        history = journal.entries.history(stored.id)
    except (EntryNotFound, ValueError):
        return _not_found(request)
    previous = [r for r in history if r.version == stored.version - 1]
    if previous and history[-1].action == "edit":
        current = entry_service.entry_view(stored)
        changes = {k: v for k, v in previous[0].data.items() if k != "kind" and current.get(k) != v}
        if changes:
            journal.entries.edit(stored.id, changes)
            written(request)
    return redirect(_with_query(next_url, "restored", stored.id))

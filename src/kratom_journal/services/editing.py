"""Changing an entry through a form or a prompt: which fields can change, and what changed.

The CLI asks for the same fields the web's edit form shows, and both send only the
fields whose text differs from what was shown (so an untouched time is not re-read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from kratom_journal.domain.entries import Form, Kind, Symptom, Unit
from kratom_journal.services.entry_edits import entry_zone
from kratom_journal.services.entry_views import entry_view
from kratom_journal.services.keyed import keyed_write, request_hash
from kratom_journal.store.idempotency import earlier_result
from kratom_journal.store.journal import Journal, StoredEntry, edit_entry

InputKind = Literal["datetime-local", "date", "time", "number", "int", "select", "text"]


@dataclass(frozen=True, slots=True)
class EditableField:
    """One field a person may change: its name, its label and the kind of input it takes."""

    name: str
    label: str
    input: InputKind


def _fields(*rows: tuple[str, str, InputKind]) -> tuple[EditableField, ...]:
    return tuple(EditableField(name, label, kind) for name, label, kind in rows)


EDITABLE_FIELDS: dict[Kind, tuple[EditableField, ...]] = {
    Kind.DOSE: _fields(
        ("taken_at", "When", "datetime-local"),
        ("amount", "Amount", "number"),
        ("unit", "Unit", "select"),
        ("substance", "Substance", "text"),
        ("form", "Form", "select"),
        ("strain", "Strain (as on the pack)", "text"),
        ("product", "Product or vendor", "text"),
        ("grams_per_capsule", "Grams per capsule", "number"),
        ("note", "Note", "text"),
    ),
    Kind.SLEEP: _fields(
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
    ),
    Kind.MOOD: _fields(
        ("at", "When", "datetime-local"),
        ("mood", "Mood 0-10", "int"),
        ("anxiety", "Anxiety 0-10", "int"),
        ("energy", "Energy 0-10", "int"),
        ("note", "Note", "text"),
    ),
    Kind.SIDE_EFFECT: _fields(
        ("at", "When", "datetime-local"),
        ("symptom", "Symptom", "select"),
        ("severity", "Severity 0-3", "int"),
        ("note", "Note", "text"),
    ),
}
"""The fields of each kind a person may change, in the order they are asked."""

CHOICES: dict[str, list[str]] = {
    "unit": [u.value for u in Unit],
    "form": ["", *(f.value for f in Form)],
    "symptom": [s.value for s in Symptom],
}
"""The values a ``select`` field offers (an empty form means "none")."""


def editable_fields(kind: Kind) -> tuple[EditableField, ...]:
    """The fields of ``kind`` a person may change.

    >>> [f.name for f in editable_fields(Kind.SIDE_EFFECT)]
    ['at', 'symptom', 'severity', 'note']
    """
    return EDITABLE_FIELDS[kind]


def shown_values(stored: StoredEntry, zone: tzinfo) -> dict[str, str]:
    """The editable fields as text, as a form shows them (local times, empty for none)."""
    view = entry_view(stored)
    shown: dict[str, str] = {}
    for item in editable_fields(stored.kind):
        value = getattr(stored.entry, item.name, None)
        if value is None:
            shown[item.name] = ""
        elif isinstance(value, datetime):
            # On the clock the entry was recorded with, as the edit will read it back.
            pattern = "%H:%M" if item.input == "time" else "%Y-%m-%dT%H:%M"
            local = value.astimezone(entry_zone(stored.entry, zone))
            shown[item.name] = local.strftime(pattern)
        elif isinstance(view.get(item.name), float):
            shown[item.name] = f"{view[item.name]:g}"
        else:
            shown[item.name] = str(view.get(item.name, value))
    return shown


def changed_fields(
    stored: StoredEntry, submitted: Mapping[str, str], zone: tzinfo
) -> dict[str, str]:
    """The editable fields whose submitted text differs from what :func:`shown_values` showed."""
    before = shown_values(stored, zone)
    changes: dict[str, str] = {}
    for item in editable_fields(stored.kind):
        text = submitted.get(item.name, "").strip()
        if text != before.get(item.name, ""):
            changes[item.name] = text
    return changes


def revert_last_edit(
    journal: Journal, entry_id: str, key: str | None = None
) -> tuple[StoredEntry, bool]:
    """Give an entry its previous version back (as a new version) if it was last edited.

    Returns the entry as now stored and whether anything changed. With ``key``, a
    repeated request (a double tap on Undo) does it once, never undoing the undo.
    """
    stored = journal.entries.get(entry_id)
    history = journal.entries.history(stored.id)
    previous = [r for r in history if r.version == stored.version - 1]
    if not previous or history[-1].action != "edit":
        return stored, False
    current = entry_view(stored)
    changes = {k: v for k, v in previous[0].data.items() if k != "kind" and current.get(k) != v}
    if not changes:
        return stored, False
    if key is not None and earlier_result(journal, key, "revert", request_hash(entry_id)):
        return journal.entries.get(entry_id), False
    reverted = keyed_write(
        journal,
        key,
        "revert",
        entry_id,
        lambda: changes,
        lambda session, wanted: edit_entry(session, stored.id, wanted),
    )
    return reverted, True

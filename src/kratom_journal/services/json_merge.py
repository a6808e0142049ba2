"""Merging one entry of a JSON export into a journal: added, already there, or merged."""

from __future__ import annotations

from kratom_journal.domain.entries import Kind, SleepDiaryEntry
from kratom_journal.domain.serialize import entry_to_dict
from kratom_journal.services.import_summary import ImportFailed, ImportSummary
from kratom_journal.store.journal import (
    Revision,
    StoredEntry,
    StoreSession,
    content_fingerprint,
    edit_entry,
    kind_with_id,
    live_diary_for_night,
    restore_entry,
)


def restore_json_entry(
    session: StoreSession,
    stored: StoredEntry,
    history: list[Revision],
    summary: ImportSummary,
    where: str,
    taken: dict[str, Kind] | None = None,
) -> None:
    """Add one exported entry, unless the journal has it already.

    Ids are unique across kinds: an id taken by an entry of another kind refuses the
    whole import. A night's diary merges into the night's live diary as a CSV import
    does (an edit, kept in its history), so a night never has two. ``taken`` maps the
    ids of the import that the journal already has to their kinds (read for all of
    them at once, instead of four lookups per entry).
    """
    found = kind_with_id(session, stored.id) if taken is None else taken.get(stored.id)
    if found is stored.kind:
        summary.unchanged += 1
        return
    if found is not None:
        raise ImportFailed(
            [
                f"{where}: id {stored.id} is already used by a {found.value} entry in this "
                f"journal (this one is a {stored.kind.value}); nothing was imported"
            ]
        )
    if isinstance(stored.entry, SleepDiaryEntry) and stored.deleted_at is None:
        existing = live_diary_for_night(session, stored.entry.night)
        if existing is not None:
            if content_fingerprint(existing.entry) == content_fingerprint(stored.entry):
                summary.unchanged += 1
            else:
                changes = {k: v for k, v in entry_to_dict(stored.entry).items() if k != "kind"}
                edit_entry(session, existing.id, changes)
                summary.updated += 1
            return
    restore_entry(session, stored, history)
    summary.added += 1

"""A person's journal on the server: created with the account, deleted on request.

The rows are written and removed as the person themselves (the caller runs these
inside :func:`kratom_journal.store.tenancy.acting_as`), so row-level security checks
every one of them.
"""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from kratom_journal.domain.serialize import entry_to_dict
from kratom_journal.store.entries import Revision, StoredEntry, fill_row, restore_entry
from kratom_journal.store.server.rls import journal_tables
from kratom_journal.store.tables import ENTRY_TABLES, RevisionRow, SettingRow
from kratom_journal.store.versioning import JournalChangesRow


def seed_journal(session: Session, settings: dict[str, str]) -> None:
    """Give the acting person an empty journal: its change counter and first settings."""
    session.add(JournalChangesRow(id=1, counter=0))
    session.flush()  # the counter first: the settings' write moves it on
    for key, value in settings.items():
        session.add(SettingRow(key=key, value=value))


def delete_journal(session: Session, keep_settings: bool = False) -> int:
    """Delete every journal row of the acting person (children before parents); rows removed."""
    removed = 0
    for table in reversed(journal_tables()):
        if table.name == "journal_changes" or (keep_settings and table.name == "settings"):
            continue
        # Row-level security limits this to the acting person; the condition says so twice.
        result = session.execute(delete(table).where(text("owner_id = kj_user_id()")))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def upsert_entry(session: Session, stored: StoredEntry) -> str:
    """Keep an entry as a local journal sent it: ``added``, ``updated`` or ``unchanged``.

    The local journal is the primary copy: a newer version replaces the server's, an
    older or equal one changes nothing (so sending an entry twice stores it once).
    """
    table = ENTRY_TABLES[stored.kind.value]
    row = session.get(table, stored.id)
    revision = Revision(stored.version, "sync", stored.updated_at, entry_to_dict(stored.entry))
    if row is None:
        restore_entry(session, stored, [revision])
        return "added"
    if row.version >= stored.version:
        return "unchanged"
    fill_row(row, stored.entry)
    row.version = stored.version
    row.updated_at_utc = stored.updated_at
    row.deleted_at_utc = stored.deleted_at
    session.add(
        RevisionRow(
            entry_id=stored.id,
            kind=stored.kind.value,
            version=stored.version,
            action="sync",
            changed_at_utc=stored.updated_at,
            data=revision.data,
        )
    )
    return "updated"

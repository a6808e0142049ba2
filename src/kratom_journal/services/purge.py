"""Use case: delete an entry forever (``kj purge``, the web's "Delete forever")."""

from __future__ import annotations

from kratom_journal.store.journal import Journal, StoredEntry
from kratom_journal.store.purge import purge_entry

PURGE_WARNING = (
    "This removes the entry and every earlier version of it from the journal for good; "
    "it cannot be restored. Backups and exports written before still hold it."
)


def purge(journal: Journal, entry_id: str) -> StoredEntry:
    """Remove the entry and its history from the journal, its WAL and future exports."""
    return purge_entry(journal, entry_id)

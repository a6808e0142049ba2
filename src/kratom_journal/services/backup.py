"""Consistent backups of a journal."""

from __future__ import annotations

from pathlib import Path

from kratom_journal.store.backup import is_sqlite, verified_copy
from kratom_journal.store.journal import Journal


def backup(journal: Journal, target: Path) -> str:
    """Copy the journal to ``target``: an SQLite file for SQLite, a JSON export otherwise.

    An SQLite journal is copied as one consistent snapshot, even while it is in use.
    """
    if target.exists() and target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name", str(target))
    if not is_sqlite(journal):
        from kratom_journal.services.transfer import export_json

        export_json(journal, target)
        return "JSON export"
    verified_copy(journal, target)
    return "SQLite copy, verified"

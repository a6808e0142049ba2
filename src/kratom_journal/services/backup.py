"""Consistent backups of a journal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kratom_journal.store.journal import Journal


def backup(journal: Journal, target: Path) -> str:
    """Copy the journal to ``target``: an SQLite file for SQLite, a JSON export otherwise.

    SQLite's online backup copies a consistent snapshot even while the journal
    is in use; the copy is written beside the target and renamed into place.
    """
    if target.exists() and target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name", str(target))
    if journal.engine.url.get_backend_name() != "sqlite":
        from kratom_journal.services.transfer import export_json

        export_json(journal, target)
        return "JSON export"
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(str(journal.engine.url.database))
    try:
        destination = sqlite3.connect(str(partial))
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    partial.replace(target)
    return "SQLite copy"

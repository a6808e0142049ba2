"""A consistent copy of an SQLite journal file (SQLite's online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kratom_journal.store.journal import Journal
from kratom_journal.store.private_files import partial_path


def is_sqlite(journal: Journal) -> bool:
    return journal.engine.url.get_backend_name() == "sqlite"


def copy_sqlite_journal(journal: Journal, target: Path) -> None:
    """Copy an SQLite journal to ``target`` as one consistent snapshot.

    The online backup copies a consistent state even while the journal is in
    use; the copy is written beside the target and renamed into place.
    """
    partial = partial_path(target)
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

"""A consistent copy of an SQLite journal file (SQLite's online backup)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kratom_journal.store.cipher import connect, connect_file, forget_key, key_for, remember_key
from kratom_journal.store.journal import Journal
from kratom_journal.store.private_files import partial_path


def is_sqlite(journal: Journal) -> bool:
    return journal.engine.url.get_backend_name() == "sqlite"


def copy_sqlite_journal(
    journal: Journal, target: Path, verify: Callable[[Path], None] | None = None
) -> None:
    """Copy an SQLite journal to ``target`` as one consistent snapshot.

    The online backup copies a consistent state even while the journal is in
    use; the copy is written beside the target and renamed into place.
    """
    partial = partial_path(target)
    journal_file = Path(str(journal.engine.url.database))
    key = key_for(journal_file)
    try:
        source = connect_file(journal_file)
        try:
            # An encrypted journal's copy is encrypted with the same key (and salt): it is
            # the SQLCipher file itself, and opens with the same passphrase.
            destination = connect(partial, key)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        if verify is not None:
            if key is not None:
                remember_key(partial, key)
            verify(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        forget_key(partial)
    partial.replace(target)


def verified_copy(journal: Journal, target: Path) -> None:
    """Check the journal, copy it, and check the copy before it takes the target's name.

    A damaged journal is refused (a backup would copy the damage and look good);
    the copy is opened, checked and its rows counted against the journal's.
    """
    from kratom_journal.store.integrity import (
        refuse_if_damaged,
        sqlite_path,
        table_counts,
        verify_backup,
    )

    refuse_if_damaged(journal.engine, "the backup was", full=True)
    source = sqlite_path(journal.engine)
    if source is None:
        copy_sqlite_journal(journal, target)
        return
    before = table_counts(source)

    def verify(copy: Path) -> None:
        after = table_counts(source)
        verify_backup(source, copy, before if after == before else None)

    copy_sqlite_journal(journal, target, verify)

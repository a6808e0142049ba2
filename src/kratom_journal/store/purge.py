"""Deleting an entry forever: its row, every earlier version, and the bytes they left behind.

A soft delete keeps the entry and its history (it can be restored); a purge is for
what must not stay at all. Deleted rows leave their bytes in free pages and in the
write-ahead log, so on SQLite the purge runs with ``secure_delete`` (freed content
overwritten with zeros), then checkpoints the WAL, rebuilds the file with ``VACUUM``
and truncates the WAL again. On PostgreSQL the two tables are rewritten with
``VACUUM FULL``. Cached results are dropped too (they may quote the entry).
"""

from __future__ import annotations

from sqlalchemy import delete

from kratom_journal.store.cache_tables import AnalysisCacheRow
from kratom_journal.store.entries import StoredEntry, find_row, stored_of_row
from kratom_journal.store.journal import Journal
from kratom_journal.store.tables import RevisionRow


def purge_entry(journal: Journal, entry_id: str) -> StoredEntry:
    """Remove the entry ``entry_id`` (or a unique prefix) and its whole history for good.

    Returns the entry as it was. Raises ``EntryNotFound`` when there is no such entry.
    """
    sqlite = journal.engine.url.get_backend_name() == "sqlite"
    with journal.session() as session:
        if sqlite:
            session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
        kind, row = find_row(session, entry_id)
        stored = stored_of_row(kind, row)
        session.execute(delete(RevisionRow).where(RevisionRow.entry_id == row.id))
        session.delete(row)
        session.execute(delete(AnalysisCacheRow))
    if sqlite:
        _scrub_sqlite(journal)
    else:
        _scrub_server(journal, row.__tablename__)
    return stored


def _scrub_sqlite(journal: Journal) -> None:
    raw = journal.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Autocommit (see store.db): VACUUM cannot run inside a transaction.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


def _scrub_server(journal: Journal, table: str) -> None:
    with journal.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'VACUUM FULL "{table}", "{RevisionRow.__tablename__}"')

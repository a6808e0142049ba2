"""The Journal: one database, its settings, and versioned entries.

Entries are written with their full history (see :mod:`kratom_journal.store.entries`).
Every public method runs in one transaction; functions taking a ``Session`` let
services compose larger ones (an import is one transaction however many rows it
writes).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kratom_journal.domain.entries import Entry, Kind
from kratom_journal.store.db import (
    READ_ONLY,
    create_journal_engine,
    database_url,
    migrate,
    remove_new_journal,
    sqlite_file,
)
from kratom_journal.store.entries import (
    EntryNotFound,
    Revision,
    StoredEntry,
    add_entry,
    bulk_add,
    content_fingerprint,
    edit_entry,
    entry_exists,
    entry_of_row,
    entry_values,
    existing_ids,
    fill_row,
    find_row,
    kind_with_id,
    list_entries,
    live_content_index,
    live_diary_for_night,
    new_id,
    restore_entry,
    revisions_of,
    set_deleted,
    stored_of_row,
    utc_now,
)
from kratom_journal.store.tables import SettingRow

__all__ = [
    "Entries",
    "EntryNotFound",
    "Journal",
    "Revision",
    "Settings",
    "StoredEntry",
    "StoreSession",
    "add_entry",
    "add_missing_settings",
    "bulk_add",
    "content_fingerprint",
    "edit_entry",
    "entry_exists",
    "entry_of_row",
    "entry_values",
    "existing_ids",
    "fill_row",
    "find_row",
    "kind_with_id",
    "list_entries",
    "live_content_index",
    "live_diary_for_night",
    "new_id",
    "open_journal",
    "restore_entry",
    "revisions_of",
    "set_deleted",
    "stored_of_row",
    "utc_now",
]

StoreSession = Session
"""The unit of work services hold while they compose several store calls into one
transaction (obtained from :meth:`Journal.session`; services never look inside it)."""


# --- settings --------------------------------------------------------------------------------


def add_missing_settings(session: Session, settings: dict[str, str]) -> None:
    """Add the settings the journal does not have yet; existing values are kept."""
    for key, value in settings.items():
        if session.get(SettingRow, str(key)) is None:
            session.add(SettingRow(key=str(key), value=str(value)))


class Settings:
    """Journal settings as string keys and values (time zone, country, region, ...)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._journal.reading() as session:
            row = session.get(SettingRow, key)
            return row.value if row is not None else default

    def set(self, key: str, value: str) -> None:
        with self._journal.session() as session:
            row = session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=value))
            else:
                row.value = value

    def unset(self, key: str) -> None:
        with self._journal.session() as session:
            row = session.get(SettingRow, key)
            if row is not None:
                session.delete(row)

    def all(self) -> dict[str, str]:
        with self._journal.reading() as session:
            return {row.key: row.value for row in session.scalars(select(SettingRow))}


class Entries:
    """Entry operations, each in its own transaction."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def add(self, entry: Entry, source: str = "manual") -> StoredEntry:
        with self._journal.session() as session:
            return add_entry(session, entry, source=source)

    def get(self, entry_id: str) -> StoredEntry:
        with self._journal.reading() as session:
            kind, row = find_row(session, entry_id)
            return stored_of_row(kind, row)

    def list(
        self,
        kind: Kind | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        include_deleted: bool = False,
        tz: tzinfo = UTC,
    ) -> list[StoredEntry]:
        with self._journal.reading() as session:
            return list_entries(
                session,
                [kind] if kind else None,
                _start_of(since, tz),
                _start_of(until, tz),
                include_deleted,
            )

    def edit(self, entry_id: str, changes: dict[str, Any]) -> StoredEntry:
        with self._journal.session() as session:
            return edit_entry(session, entry_id, changes)

    def delete(self, entry_id: str) -> StoredEntry:
        with self._journal.session() as session:
            return set_deleted(session, entry_id, True)

    def undelete(self, entry_id: str) -> StoredEntry:
        with self._journal.session() as session:
            return set_deleted(session, entry_id, False)

    def history(self, entry_id: str) -> builtins.list[Revision]:
        with self._journal.reading() as session:
            return revisions_of(session, entry_id)


def _start_of(value: date | datetime | None, tz: tzinfo) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=tz)


class Journal:
    """An open journal database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._readers = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        self.settings = Settings(self)
        self.entries = Entries(self)
        self._checked_for_writing = False
        from kratom_journal.store.unreadable import UnreadableRows

        self.unreadable = UnreadableRows()
        """Rows that reads skipped because they no longer parse (see ``store.unreadable``)."""

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error.

        On SQLite the transaction takes the write lock when it begins (``BEGIN
        IMMEDIATE``), waiting for another writer to finish: a transaction that read
        first could not be upgraded once another writer had committed, and would fail.
        """
        self._check_before_writing()
        with self._sessions() as session, session.begin():
            yield session
            self._gather_unreadable(session)

    def _check_before_writing(self) -> None:
        """Run SQLite's quick check once, before the first write (a damaged file is not written)."""
        if self._checked_for_writing:
            return
        from kratom_journal.store.integrity import refuse_if_damaged

        refuse_if_damaged(self.engine, "writing is")
        self._checked_for_writing = True

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: it never waits for writers (and must not write)."""
        with self._readers() as session, session.begin():
            yield session
            self._gather_unreadable(session)

    def _gather_unreadable(self, session: Session) -> None:
        from kratom_journal.store.entries import UNREADABLE

        for row in session.info.pop(UNREADABLE, None).all() if UNREADABLE in session.info else ():
            self.unreadable.note(row)

    def close(self) -> None:
        self.engine.dispose()


def open_journal(target: str | Path, pooled: bool = False) -> Journal:
    """Open (creating or upgrading as needed) the journal at a path or SQLAlchemy URL.

    ``pooled``: keep SQLite connections open between transactions (a server).
    """
    url = database_url(target)
    file = sqlite_file(url)
    if file is not None:
        from kratom_journal.store.conversion import remove_stale_conversion

        remove_stale_conversion(file)  # a conversion killed before its rename
    is_new = file is not None and not file.exists()
    engine = create_journal_engine(url, pooled=pooled)
    try:
        migrate(engine)
    except BaseException as exc:
        engine.dispose()
        if is_new and file is not None:
            remove_new_journal(file)  # a full disk or a kill must not leave an empty journal
        if isinstance(exc, OSError) and file is not None:
            raise _os_fault(file, exc) from None
        raise
    return Journal(engine)


def _os_fault(file: Path, exc: OSError) -> Exception:
    from kratom_journal.domain.errors import JournalUnavailable
    from kratom_journal.store.faults import fault_message

    found = fault_message(str(file), exc.strerror or str(exc))
    return JournalUnavailable(found[0]) if found else exc

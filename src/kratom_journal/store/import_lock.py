"""One import at a time per journal, across threads and processes.

Two imports of the same export at once would both find it new and collide (a
"database is locked" error on SQLite, a unique violation on PostgreSQL). An SQLite
journal is locked with ``flock`` on a private file beside it; a PostgreSQL journal
with a session-level advisory lock. Both are released if the process dies.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from kratom_journal.domain.errors import JournalError
from kratom_journal.store.journal import Journal
from kratom_journal.store.private_files import FILE_MODE

ADVISORY_KEY = 0x4B4A494D  # "KJIM": the journal's import lock among advisory locks
POLL_SECONDS = 0.2


class ImportRunning(JournalError):
    """Another import into this journal is running (one line for the person)."""


BUSY_TEXT = "another import is running on this journal; try again when it has finished"


@contextmanager
def import_lock(journal: Journal, wait: bool = False) -> Iterator[None]:
    """Hold the journal's import lock; wait for it, or raise :class:`ImportRunning`."""
    if journal.engine.url.get_backend_name() == "sqlite":
        with _file_lock(Path(str(journal.engine.url.database)), wait):
            yield
    else:
        with _advisory_lock(journal, wait):
            yield


@contextmanager
def _file_lock(database: Path, wait: bool) -> Iterator[None]:
    path = database.with_name(f".{database.name}.import-lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ImportRunning(BUSY_TEXT) from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def _advisory_lock(journal: Journal, wait: bool) -> Iterator[None]:
    with journal.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        attempt = text("SELECT pg_try_advisory_lock(:key)")
        while not conn.execute(attempt, {"key": ADVISORY_KEY}).scalar():
            if not wait:
                raise ImportRunning(BUSY_TEXT)
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})

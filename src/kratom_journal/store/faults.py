"""Database faults a person can fix, as one line naming the file and what to do.

SQLite reports a read-only file, a full disk, a lock held by another program or
a damaged file as ``sqlite3.OperationalError`` (or ``DatabaseError``) with a short
English reason. Left alone those reach the faces as bugs (a traceback, exit 70,
a web page saying "internal error"), although nothing is wrong with the program
and the person can act on them. :func:`watch_faults` turns them into
:class:`JournalUnavailable` at the engine, so every code path and every face
gets the same message; the transaction they happened in is rolled back, so the
message can say that nothing was saved.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from kratom_journal.domain.errors import JournalUnavailable


class JournalDamaged(JournalUnavailable):
    """The journal file fails SQLite's integrity check; writes are refused."""


def recover_hint(path: str) -> str:
    """What to do with a damaged journal (kept in one place for every message)."""
    return (
        f"run `kj --db {path} check` for details and `kj --db {path} recover NEW-FILE` "
        "to copy every entry that can still be read into a new journal"
    )


_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("readonly database", "read-only file system", "operation not permitted"),
        "the journal cannot be written (the file, its folder or the disk is read-only); "
        "nothing was saved. Make it writable, or copy it to a writable folder and use --db",
    ),
    (
        ("database or disk is full", "no space left"),
        "the disk is full; nothing was saved. Free some space and try again",
    ),
    (
        ("database is locked", "database table is locked"),
        "the journal is locked by another program; nothing was saved. "
        "Close the other program (or the other kj command) and try again",
    ),
    (
        ("unable to open database file",),
        "the journal file cannot be opened (its folder is missing or cannot be written); "
        "nothing was saved. Check the path and the folder's permissions",
    ),
    (
        ("disk i/o error",),
        "the disk reported an error while using the journal; nothing was saved. "
        "Check the disk, then run `kj check`",
    ),
)
_DAMAGED = ("malformed", "file is not a database", "corrupt")


def fault_message(path: str, reason: str) -> tuple[str, bool] | None:
    """The line for an SQLite fault ``reason`` on ``path`` (and whether it means damage).

    >>> fault_message("j.db", "database or disk is full")
    ('j.db: the disk is full; nothing was saved. Free some space and try again', False)
    >>> fault_message("j.db", "no such table: doses") is None
    True
    """
    lowered = reason.lower()
    if any(word in lowered for word in _DAMAGED):
        return f"{path}: the journal file is damaged ({reason}); {recover_hint(path)}", True
    for needles, text in _REASONS:
        if any(needle in lowered for needle in needles):
            return f"{path}: {text}", False
    return None


NEARLY_FULL_BYTES = 256 * 1024


def disk_full(path: str) -> bool:
    """Whether the file system holding ``path`` has (almost) no space left."""
    try:
        info = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < NEARLY_FULL_BYTES


def read_only_place(path: Path) -> bool:
    """Whether ``path`` lies on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _translate(context: ExceptionContext) -> None:
    original = context.original_exception
    from kratom_journal.store.cipher import DATABASE_ERRORS

    if not isinstance(original, DATABASE_ERRORS):
        return
    path = str(context.engine.url.database) if context.engine is not None else "journal"
    reason = " ".join(str(original).split())
    if getattr(original, "sqlite_errorname", "").startswith("SQLITE_IOERR") and disk_full(path):
        reason = "database or disk is full"  # WAL and shared-memory writes fail as I/O errors
    found = fault_message(path, reason)
    if found is None:
        return
    message, damaged = found
    raise (JournalDamaged if damaged else JournalUnavailable)(message) from original


def watch_faults(engine: Engine) -> None:
    """Make the SQLite engine raise :class:`JournalUnavailable` for faults a person can fix."""
    event.listen(engine, "handle_error", _translate)

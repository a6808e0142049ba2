"""Encrypting, decrypting and re-keying a journal file without ever risking its only copy.

The converted journal is written beside the original under a temporary name
(SQLCipher's ``sqlcipher_export`` into an attached file), checked (integrity,
SQLCipher's page authentication, and the row count of every table against the
original), flushed to the disk, and only then renamed over the original with one
atomic ``os.replace``. Until that rename the original is untouched and complete;
after it the new file is. While converting, the original is held with an
exclusive lock so no other program can write a row that the copy would miss.
A temporary file left by a kill is removed the next time the journal is opened.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlcipher3

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.cipher import DATABASE_ERRORS, FileKey, forget_key, remember_key
from kratom_journal.store.private_files import create_private_file

BUSY_SECONDS = 5.0


def conversion_path(path: Path) -> Path:
    """The temporary name a journal is converted under, beside it."""
    return path.with_name(f".{path.name}.converting")


def remove_stale_conversion(path: Path) -> None:
    """Remove what a killed conversion of ``path`` left (the original is complete)."""
    temporary = conversion_path(Path(path))
    for own in (temporary, *(Path(f"{temporary}{end}") for end in ("-journal", "-wal", "-shm"))):
        try:
            own.unlink(missing_ok=True)
        except OSError:
            continue


def _open(target: Path, key: FileKey | None) -> sqlite3.Connection:
    connection: sqlite3.Connection = sqlcipher3.connect(
        str(target), isolation_level=None, timeout=BUSY_SECONDS
    )
    if key is not None:
        connection.execute(f'PRAGMA key = "{key.pragma()}"')
    return connection


def _counts(connection: sqlite3.Connection, schema: str = "main") -> dict[str, int]:
    names = [
        str(row[0])
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: int(connection.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0])
        for name in names
    }


def _hold(path: Path, key: FileKey | None) -> sqlite3.Connection:
    """Open the original and keep an exclusive lock on it until the connection closes."""
    holder = _open(path, key)
    try:
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DATABASE_ERRORS:
        holder.close()
        raise JournalUnavailable(f"{path}: wrong passphrase; nothing was changed") from None
    try:
        # Leaving WAL mode checkpoints every committed row into the file and removes
        # the -wal file, which must not be left to be read as the new file's WAL.
        holder.execute("PRAGMA journal_mode=DELETE").fetchone()
        holder.execute("PRAGMA locking_mode=EXCLUSIVE").fetchone()
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("COMMIT")
    except DATABASE_ERRORS as exc:
        holder.close()
        raise JournalUnavailable(
            f"{path}: the journal is in use by another program ({exc}); nothing was changed. "
            "Close it (and `kj serve`) and try again"
        ) from None
    return holder


def convert_journal(path: Path, old: FileKey | None, new: FileKey | None) -> dict[str, int]:
    """Rewrite the journal at ``path`` from key ``old`` to key ``new`` (``None``: plain).

    Returns the row count of every table (the same before and after).
    """
    path = Path(path)
    temporary = conversion_path(path)
    remove_stale_conversion(path)
    holder = _hold(path, old)
    try:
        create_private_file(temporary)
        try:
            expected = _counts(holder)
            holder.execute(
                "ATTACH DATABASE ? AS converted KEY ?",
                (str(temporary), new.pragma() if new is not None else ""),
            )
            holder.execute("SELECT sqlcipher_export('converted')").fetchone()
            holder.execute("DETACH DATABASE converted")
            _verify(temporary, new, expected)
            _flush(temporary)
            os.replace(temporary, path)
        except BaseException:
            remove_stale_conversion(path)
            raise
        _flush_folder(path.parent)
    finally:
        holder.close()
    Path(f"{path}-shm").unlink(missing_ok=True)  # the old file's; the new one starts afresh
    forget_key(path)
    if new is not None:
        remember_key(path, new)
    return expected


def _verify(temporary: Path, key: FileKey | None, expected: dict[str, int]) -> None:
    """Check the converted file before it may replace the original."""
    checker = _open(temporary, key)
    try:
        problems = [str(r[0]) for r in checker.execute("PRAGMA integrity_check").fetchall()]
        if key is not None:
            problems += [str(r[0]) for r in checker.execute("PRAGMA cipher_integrity_check")]
        counts = _counts(checker)
    finally:
        checker.close()
    if problems != ["ok"]:
        raise JournalUnavailable(
            f"{temporary}: the converted journal fails its check ({problems[0]}); "
            "the journal was not changed"
        )
    if counts != expected:
        raise JournalUnavailable(
            f"{temporary}: the converted journal does not hold every row; "
            "the journal was not changed"
        )


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _flush_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

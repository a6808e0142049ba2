"""SQLite's own integrity checks of a journal file, and the verification of a backup.

``PRAGMA quick_check`` reads every page and checks the b-trees, but not that each
index matches its table; it runs once, before the first write of an open journal,
so that a damaged file is never written to (a write into a damaged b-tree can
spread the damage). ``PRAGMA integrity_check`` also checks the indexes; it runs
before a backup and on ``kj check``. See https://www.sqlite.org/pragma.html#pragma_integrity_check.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.cipher import DATABASE_ERRORS, connect_file
from kratom_journal.store.faults import JournalDamaged, recover_hint

MAX_PROBLEMS = 20


def sqlite_path(engine: Engine) -> Path | None:
    """The journal's file, or ``None`` for a journal that is not an SQLite file."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    from kratom_journal.store.faults import read_only_place

    connection = connect_file(path, read_only=True, immutable=read_only_place(path))
    try:
        yield connection
    finally:
        connection.close()


def check_file(path: Path, full: bool = True) -> list[str]:
    """Problems SQLite finds in the file (empty when it is sound).

    ``full`` runs ``integrity_check``; otherwise the cheaper ``quick_check``.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        with _read_only(path) as connection:
            rows = connection.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
    except DATABASE_ERRORS as exc:
        return [" ".join(str(exc).split())]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def damaged_error(path: Path, problems: list[str], doing: str) -> JournalDamaged:
    """The refusal shown when the file is damaged (the first problem, and what to do)."""
    more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
    return JournalDamaged(
        f"{path}: the journal file is damaged ({problems[0]}{more}); {doing} refused. "
        f"Nothing was changed; {recover_hint(str(path))}"
    )


def refuse_if_damaged(engine: Engine, doing: str, full: bool = False) -> None:
    """Raise :class:`JournalDamaged` when the journal's file fails the check."""
    path = sqlite_path(engine)
    if path is None:
        return
    problems = check_file(path, full=full)
    if problems:
        raise damaged_error(path, problems, doing)


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of an SQLite file."""
    with _read_only(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in names
        }


def verify_backup(source: Path, copy: Path, expected: dict[str, int] | None) -> None:
    """Open the written backup, check it, and compare its row counts with the journal's.

    ``expected`` is ``None`` when the journal changed while it was copied (its
    counts then need not match); the copy must still be sound and readable.
    """
    problems = check_file(copy, full=True)
    if problems:
        raise JournalUnavailable(
            f"{copy}: the backup just written fails its integrity check ({problems[0]}); "
            f"it cannot be trusted. Check the disk, then run `kj --db {source} backup` again"
        )
    counts = table_counts(copy)
    if expected is not None and counts != expected:
        names = expected.keys() | counts.keys()
        differing = sorted(name for name in names if expected.get(name) != counts.get(name))
        raise JournalUnavailable(
            f"{copy}: the backup does not hold the journal's rows (tables differ: "
            f"{', '.join(differing[:5])}); run `kj --db {source} backup` again"
        )

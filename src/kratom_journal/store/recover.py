"""Copy every row that can still be read out of a damaged SQLite journal into a new one.

A damaged page makes any query that reaches it fail, so a plain ``SELECT *``
loses a whole table for one bad page. Rows are read instead by ranges of their
rowid: a range that fails is split in two until the failing part is a single
rowid, so only the rows stored on damaged pages are lost. The new journal is
created by the migrations (the current schema), filled, checked, and only then
given its name; the damaged file is opened read-only and never changed.
Analysis caches are not copied (they are rebuilt from the entries).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kratom_journal.domain.errors import JournalUnavailable

SKIPPED_TABLES = frozenset({"alembic_version", "journal_changes", "analysis_cache"})
LOWEST_ROWID = -(2**63)
HIGHEST_ROWID = 2**63 - 1


@dataclass
class TableRecovery:
    """What was read of one table: rows copied, rowid ranges lost, ids known lost."""

    name: str
    copied: int = 0
    lost_ranges: list[tuple[int, int]] = field(default_factory=list)
    lost_ids: list[str] = field(default_factory=list)
    rejected: int = 0
    unreadable: bool = False


@dataclass
class Recovery:
    """The outcome of :func:`recover_journal`, table by table."""

    target: Path
    tables: list[TableRecovery] = field(default_factory=list)

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)

    @property
    def complete(self) -> bool:
        return not any(
            t.lost_ranges or t.lost_ids or t.rejected or t.unreadable for t in self.tables
        )


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in connection.execute(f'PRAGMA table_info("{table}")')]


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [str(row[0]) for row in rows]


def _read_range(
    source: sqlite3.Connection, query: str, low: int, high: int, lost: list[tuple[int, int]]
) -> list[tuple[object, ...]]:
    """Rows with rowid in [low, high]; failing sub-ranges are split, then noted as lost."""
    pending = [(low, high)]
    rows: list[tuple[object, ...]] = []
    while pending:
        first, last = pending.pop()
        try:
            # One rowid is looked up by equality: a range query also steps on to the
            # next row to see where the range ends, which may lie on a damaged page.
            single = query.replace("rowid BETWEEN ? AND ?", "rowid = ? AND rowid = ?")
            found = source.execute(single if first == last else query, (first, last)).fetchall()
        except sqlite3.DatabaseError:
            if first == last:
                if lost and lost[-1][1] == first - 1:
                    lost[-1] = (lost[-1][0], first)
                else:
                    lost.append((first, first))
                continue
            middle = first + (last - first) // 2
            pending.append((middle + 1, last))  # popped after the lower half: rowid order
            pending.append((first, middle))
            continue
        rows.extend(found)
    return rows


def _read_whole(
    source: sqlite3.Connection, table: str, names: str, outcome: TableRecovery
) -> list[tuple[object, ...]]:
    try:
        return source.execute(f'SELECT {names} FROM "{table}"').fetchall()
    except sqlite3.DatabaseError:
        outcome.unreadable = True
        return []


def _ids_in_index(source: sqlite3.Connection, table: str, columns: list[str]) -> set[str] | None:
    """The ids an intact primary-key index lists (read from the index alone), if any."""
    if "id" not in columns:
        return None
    try:
        rows = source.execute(f'SELECT id FROM "{table}" ORDER BY id').fetchall()
    except sqlite3.DatabaseError:
        return None
    return {str(row[0]) for row in rows}


def _copy_table(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str
) -> TableRecovery:
    outcome = TableRecovery(table)
    try:
        wanted = set(_columns(source, table))
    except sqlite3.DatabaseError:
        outcome.unreadable = True
        return outcome
    columns = [c for c in _columns(target, table) if c in wanted]
    names = ", ".join(f'"{c}"' for c in columns)
    query = f'SELECT {names} FROM "{table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid'
    try:
        source.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
        rows = _read_range(source, query, LOWEST_ROWID, HIGHEST_ROWID, outcome.lost_ranges)
    except sqlite3.DatabaseError:
        rows = _read_whole(source, table, names, outcome)  # a WITHOUT ROWID table
    placeholders = ", ".join("?" for _ in columns)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({placeholders})'
    for row in rows:
        try:
            target.execute(insert, row)
            outcome.copied += 1
        except sqlite3.DatabaseError:
            outcome.rejected += 1
    listed = _ids_in_index(source, table, columns)
    if listed is not None and "id" in columns:
        position = columns.index("id")
        copied = {str(row[position]) for row in rows}
        outcome.lost_ids = sorted(listed - copied)
    return outcome


def recover_journal(source: Path, target: Path) -> Recovery:
    """Copy the readable rows of the journal file ``source`` into a new journal ``target``."""
    from kratom_journal.store.journal import open_journal
    from kratom_journal.store.private_files import partial_path

    if target.exists():
        raise JournalUnavailable(
            f"{target}: exists already; give a new file for the recovered journal"
        )
    if not source.is_file():
        raise JournalUnavailable(f"{source}: no such journal file")
    partial = partial_path(target)
    try:
        open_journal(partial).close()
        recovery = _copy_all(source, partial, target)
    except BaseException:
        for own in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            own.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return recovery


def _copy_all(source: Path, partial: Path, target: Path) -> Recovery:
    recovery = Recovery(target)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(str(partial), isolation_level=None)
    try:
        try:
            tables = _tables(reader)
        except sqlite3.DatabaseError as exc:
            raise JournalUnavailable(
                f"{source}: the list of tables cannot be read ({exc}); nothing can be recovered"
            ) from None
        wanted = set(_tables(writer)) - SKIPPED_TABLES
        writer.execute("PRAGMA foreign_keys=OFF")
        writer.execute("BEGIN IMMEDIATE")
        for table in sorted(wanted & set(tables)):
            recovery.tables.append(_copy_table(reader, writer, table))
        writer.execute("COMMIT")
        problems = writer.execute("PRAGMA integrity_check").fetchall()
        if [str(r[0]) for r in problems] != ["ok"]:
            raise JournalUnavailable(f"{target}: the recovered journal fails its own check")
    finally:
        reader.close()
        writer.close()
    return recovery

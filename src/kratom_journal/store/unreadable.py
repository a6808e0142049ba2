"""Rows that no longer parse: skipped by every read, remembered, and reported by the faces.

A row written by an older version, edited by hand or damaged on disk may no
longer make a valid entry (an unknown unit, a mood of 99, a time that is not a
time). One such row must not stop a person from listing, exporting or analysing
everything else, so the reads skip it and note its id and why; the faces report
the notes (``kj list`` and ``kj export`` on stderr, the web on the page), so
nothing is left out silently.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.domain.errors import JournalError

T = TypeVar("T")

READ_ERRORS: tuple[type[Exception], ...] = (
    JournalError,
    ValueError,
    TypeError,
    KeyError,
    OverflowError,
    AttributeError,
)
"""What building an entry from a malformed row raises (an unknown enum value, a bad date...)."""


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """A stored row skipped because it no longer makes a valid record."""

    table: str
    id: str
    reason: str

    def line(self) -> str:
        return f"{self.table} row {self.id} cannot be read and was skipped: {self.reason}"


class UnreadableRows:
    """The rows skipped by reads of one open journal (by table and id, thread-safe)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], UnreadableRow] = {}
        self._lock = threading.Lock()

    def note(self, row: UnreadableRow) -> None:
        with self._lock:
            self._rows[(row.table, row.id)] = row

    def all(self) -> list[UnreadableRow]:
        with self._lock:
            return sorted(self._rows.values(), key=lambda r: (r.table, r.id))

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__


def convert_each(
    rows: Iterable[Any],
    convert: Callable[[Any], T],
    table: str,
    found: UnreadableRows,
    id_of: Callable[[Any], object],
) -> list[T]:
    """``convert`` every row; a row that fails is noted in ``found`` and left out."""
    out: list[T] = []
    for row in rows:
        try:
            out.append(convert(row))
        except READ_ERRORS as exc:
            found.note(UnreadableRow(table, str(id_of(row)), _reason(exc)))
    return out


def rows_one_by_one(
    session: Session,
    id_column: Any,
    stmt: Any,
    found: UnreadableRows,
    load: Callable[[Session, Any], Any],
) -> list[Any]:
    """The rows of ``stmt`` read one id at a time, when reading them together failed.

    A value the database driver cannot turn into Python (a date that is not a
    date) fails the whole result; read by id, only that row is lost.
    """
    ids = session.execute(stmt.with_only_columns(id_column).order_by(None)).scalars().all()
    table = str(id_column.table.name)
    rows: list[Any] = []
    for entry_id in ids:
        try:
            rows.append(load(session, entry_id))
        except READ_ERRORS as exc:
            found.note(UnreadableRow(table, str(entry_id), _reason(exc)))
    return rows


def select_by_id(table: Any) -> Callable[[Session, Any], Any]:
    """Load one ORM row of ``table`` by id."""

    def load(session: Session, entry_id: Any) -> Any:
        return session.scalars(select(table).where(table.id == entry_id)).one()

    return load


def mapping_by_id(table: Any) -> Callable[[Session, Any], Any]:
    """Load one row of the core ``table`` by id, as a mapping."""

    def load(session: Session, entry_id: Any) -> Any:
        return session.execute(select(table).where(table.c.id == entry_id)).mappings().one()

    return load

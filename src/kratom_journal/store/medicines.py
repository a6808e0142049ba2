"""Declared medicines: declaring, listing, removing, and the rows of exports and imports.

A removed medicine keeps its row with ``removed_at`` set, so the journal's
history of what was taken stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.store.journal import Journal
from kratom_journal.store.safety_tables import DeclaredMedicineRow


@dataclass(frozen=True, slots=True)
class StoredMedicine:
    """A declared medicine as stored; ``normalized`` is the name the interaction check uses."""

    id: str
    name: str
    normalized: str
    daily: bool
    added_at: datetime
    removed_at: datetime | None = None


def _stored(row: DeclaredMedicineRow) -> StoredMedicine:
    return StoredMedicine(
        row.id, row.name, row.normalized, row.daily, row.added_at_utc, row.removed_at_utc
    )


def _row(medicine: StoredMedicine) -> DeclaredMedicineRow:
    return DeclaredMedicineRow(
        id=medicine.id,
        name=medicine.name,
        normalized=medicine.normalized,
        daily=medicine.daily,
        added_at_utc=medicine.added_at,
        removed_at_utc=medicine.removed_at,
    )


def declare(journal: Journal, medicine: StoredMedicine) -> StoredMedicine:
    """Store a new medicine, or set the daily flag of the one already declared by that name."""
    with journal.session() as session:
        row = session.scalars(
            select(DeclaredMedicineRow).where(
                DeclaredMedicineRow.normalized == medicine.normalized,
                DeclaredMedicineRow.removed_at_utc.is_(None),
            )
        ).first()
        if row is None:
            row = _row(medicine)
            session.add(row)
        else:
            row.daily = medicine.daily
        session.flush()
        return _stored(row)


def medicines(journal: Journal, include_removed: bool = False) -> list[StoredMedicine]:
    """Declared medicines, oldest first (removed ones only when asked)."""
    stmt = select(DeclaredMedicineRow).order_by(
        DeclaredMedicineRow.added_at_utc, DeclaredMedicineRow.id
    )
    if not include_removed:
        stmt = stmt.where(DeclaredMedicineRow.removed_at_utc.is_(None))
    with journal.reading() as session:
        return [_stored(row) for row in session.scalars(stmt)]


def mark_removed(journal: Journal, medicine_id: str, at: datetime) -> StoredMedicine:
    """Record that a declared medicine is no longer taken."""
    with journal.session() as session:
        row = session.get(DeclaredMedicineRow, medicine_id)
        if row is None:
            raise LookupError(f"no declared medicine with id {medicine_id!r}")
        row.removed_at_utc = at
        session.flush()
        return _stored(row)


def medicine_ids(session: Session) -> set[str]:
    """The ids of every declared medicine, removed ones too."""
    return set(session.scalars(select(DeclaredMedicineRow.id)))


def add_medicine(session: Session, medicine: StoredMedicine) -> None:
    """Insert a medicine exactly as given (an import; its id must be new)."""
    session.add(_row(medicine))

"""Declared medicines in the journal's JSON export, and back (lossless, idempotent by id)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.store.journal import Journal
from kratom_journal.store.safety_tables import DeclaredMedicineRow

_FIELDS = ("id", "name", "normalized", "daily", "added_at", "removed_at")


def export_medicines(journal: Journal) -> list[dict[str, Any]]:
    """Every declared medicine, removed ones too, oldest first."""
    stmt = select(DeclaredMedicineRow).order_by(
        DeclaredMedicineRow.added_at_utc, DeclaredMedicineRow.id
    )
    with journal.session() as session:
        return [
            {
                "id": row.id,
                "name": row.name,
                "normalized": row.normalized,
                "daily": row.daily,
                "added_at": _iso(row.added_at_utc),
                "removed_at": _iso(row.removed_at_utc) if row.removed_at_utc else None,
            }
            for row in session.scalars(stmt)
        ]


def _iso(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat()


def _naive_utc(value: str, position: int) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"record {position}: expected an ISO 8601 time, got {value!r}") from None
    if instant.tzinfo is None:
        raise ValueError(f"record {position}: time {value!r} has no UTC offset")
    return instant.astimezone(UTC).replace(tzinfo=None)


def import_medicines(session: Session, records: list[dict[str, Any]], origin: str = "") -> int:
    """Add the medicines whose id is new; raise ``ValueError`` naming a bad record."""
    existing = set(session.scalars(select(DeclaredMedicineRow.id)))
    added = 0
    for position, record in enumerate(records, 1):
        if not isinstance(record, dict) or set(record) != set(_FIELDS):
            raise ValueError(f"record {position}: expected the fields {', '.join(_FIELDS)}")
        if record["id"] in existing:
            continue
        removed = record["removed_at"]
        session.add(
            DeclaredMedicineRow(
                id=str(record["id"]),
                name=str(record["name"]),
                normalized=str(record["normalized"]),
                daily=bool(record["daily"]),
                added_at_utc=_naive_utc(record["added_at"], position),
                removed_at_utc=_naive_utc(removed, position) if removed else None,
            )
        )
        existing.add(record["id"])
        added += 1
    return added

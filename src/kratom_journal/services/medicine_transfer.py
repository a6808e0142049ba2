"""Declared medicines in the journal's JSON export, and back (lossless, idempotent by id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kratom_journal.store.journal import Journal, StoreSession
from kratom_journal.store.medicines import StoredMedicine, add_medicine, medicine_ids, medicines

_FIELDS = ("id", "name", "normalized", "daily", "added_at", "removed_at")


def export_medicines(journal: Journal) -> list[dict[str, Any]]:
    """Every declared medicine, removed ones too, oldest first."""
    return [
        {
            "id": m.id,
            "name": m.name,
            "normalized": m.normalized,
            "daily": m.daily,
            "added_at": m.added_at.isoformat(),
            "removed_at": m.removed_at.isoformat() if m.removed_at else None,
        }
        for m in medicines(journal, include_removed=True)
    ]


def _instant(value: str, position: int) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"record {position}: expected an ISO 8601 time, got {value!r}") from None
    if instant.tzinfo is None:
        raise ValueError(f"record {position}: time {value!r} has no UTC offset")
    return instant


def import_medicines(
    session: StoreSession,
    records: list[dict[str, Any]],
    origin: str = "",  # noqa: ARG001 - the transfer protocol's signature; records carry no origin
) -> int:
    """Add the medicines whose id is new; raise ``ValueError`` naming a bad record."""
    existing = medicine_ids(session)
    added = 0
    for position, record in enumerate(records, 1):
        if not isinstance(record, dict) or set(record) != set(_FIELDS):
            raise ValueError(f"record {position}: expected the fields {', '.join(_FIELDS)}")
        if record["id"] in existing:
            continue
        removed = record["removed_at"]
        medicine = StoredMedicine(
            id=str(record["id"]),
            name=str(record["name"]),
            normalized=str(record["normalized"]),
            daily=bool(record["daily"]),
            added_at=_instant(record["added_at"], position),
            removed_at=_instant(removed, position) if removed else None,
        )
        add_medicine(session, medicine)
        existing.add(record["id"])
        added += 1
    return added

"""Stored questionnaire administrations: adding, reading, and the rows of exports and imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.domain.date_range import DateRange
from kratom_journal.store.instrument_tables import AdministrationRow
from kratom_journal.store.journal import Journal
from kratom_journal.store.types import offset_seconds, with_offset


@dataclass(frozen=True, slots=True)
class StoredAdministration:
    """One administration as stored: raw answers, the score as shown, and where it came from.

    ``administered_at`` is at the offset it was recorded with; ``definition`` is the
    instrument's own definition for instruments that are not shipped.
    """

    id: str
    instrument_id: str
    instrument_as_of: str
    administered_at: datetime
    zone: str | None
    answers: dict[str, Any]
    total: int | None
    band: str | None
    crisis: bool
    definition: dict[str, Any] | None
    created_at: datetime
    deleted_at: datetime | None = None
    note: str | None = None
    crisis_shown: dict[str, Any] | None = None
    """The crisis resources shown with a crisis answer, as shown then (``None``: none recorded)."""


def _stored(row: AdministrationRow) -> StoredAdministration:
    return StoredAdministration(
        id=row.id,
        instrument_id=row.instrument_id,
        instrument_as_of=row.instrument_as_of,
        administered_at=with_offset(row.administered_at_utc, row.administered_at_offset_s),
        zone=row.zone,
        answers=dict(row.answers),
        total=row.total,
        band=row.band,
        crisis=row.crisis,
        definition=row.definition,
        created_at=row.created_at_utc,
        deleted_at=row.deleted_at_utc,
        note=row.note,
        crisis_shown=row.crisis_shown,
    )


def _row(stored: StoredAdministration) -> AdministrationRow:
    return AdministrationRow(
        id=stored.id,
        instrument_id=stored.instrument_id,
        instrument_as_of=stored.instrument_as_of,
        administered_at_utc=stored.administered_at,
        administered_at_offset_s=offset_seconds(stored.administered_at),
        zone=stored.zone,
        answers=dict(stored.answers),
        total=stored.total,
        band=stored.band,
        crisis=stored.crisis,
        definition=stored.definition,
        created_at_utc=stored.created_at,
        deleted_at_utc=stored.deleted_at,
        note=stored.note,
        crisis_shown=stored.crisis_shown,
    )


def add_administration(session: Session, stored: StoredAdministration) -> None:
    """Insert one administration (its id must be new), dated from 1970 to a day from now.

    The services check the same range first; this keeps any path (an import
    included) from storing a date no summary could handle.
    """
    DateRange.around(datetime.now(UTC)).check_instant(stored.administered_at, "administered_at")
    session.add(_row(stored))


def live_administrations(
    session: Session, instrument_id: str | None = None
) -> list[StoredAdministration]:
    """Undeleted administrations (of one instrument, or all), oldest first."""
    stmt = select(AdministrationRow).where(AdministrationRow.deleted_at_utc.is_(None))
    if instrument_id is not None:
        stmt = stmt.where(AdministrationRow.instrument_id == instrument_id)
    stmt = stmt.order_by(AdministrationRow.administered_at_utc, AdministrationRow.id)
    return [_stored(row) for row in session.scalars(stmt)]


def all_administrations(journal: Journal) -> list[StoredAdministration]:
    """Every administration, deleted ones too, oldest first (for the lossless export)."""
    stmt = select(AdministrationRow).order_by(
        AdministrationRow.administered_at_utc, AdministrationRow.id
    )
    with journal.reading() as session:
        return [_stored(row) for row in session.scalars(stmt)]


def administration_ids(session: Session) -> set[str]:
    """The ids of every stored administration, deleted ones too."""
    return set(session.scalars(select(AdministrationRow.id)))

"""Questionnaire administrations in journal exports and imports.

``export_administrations`` gives JSON-ready records; ``import_administrations``
adds the ones whose id the journal does not have yet, inside the caller's
session, so that an import stays one transaction and running it twice
changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.instruments import Instrument, score
from kratom_journal.instruments.loader import SHIPPED_IDS, InstrumentError, shipped_instrument
from kratom_journal.store.instrument_tables import AdministrationRow
from kratom_journal.store.journal import Journal


class AdministrationRecord(BaseModel):
    """One exported administration."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=8, max_length=36)
    instrument_id: str = Field(min_length=1, max_length=40)
    instrument_as_of: str = Field(min_length=1, max_length=10)
    administered_at: datetime
    zone: str | None = None
    answers: dict[str, int | None]
    definition: dict[str, Any] | None = None
    created_at: datetime
    deleted_at: datetime | None = None
    note: str | None = None


def export_administrations(journal: Journal) -> list[dict[str, Any]]:
    """Every administration (deleted ones too) as JSON-ready records, oldest first."""
    with journal.session() as session:
        stmt = select(AdministrationRow).order_by(
            AdministrationRow.administered_at_utc, AdministrationRow.id
        )
        return [_record(row) for row in session.scalars(stmt)]


def _record(row: AdministrationRow) -> dict[str, Any]:
    offset = _offset(row.administered_at_offset_s)
    return {
        "id": row.id,
        "instrument_id": row.instrument_id,
        "instrument_as_of": row.instrument_as_of,
        "administered_at": row.administered_at_utc.replace(tzinfo=UTC)
        .astimezone(offset)
        .isoformat(),
        "zone": row.zone,
        "answers": row.answers,
        "definition": row.definition,
        "created_at": row.created_at_utc.replace(tzinfo=UTC).isoformat(),
        "deleted_at": row.deleted_at_utc.replace(tzinfo=UTC).isoformat()
        if row.deleted_at_utc
        else None,
        "note": row.note,
    }


def _offset(seconds: int) -> timezone:
    return timezone(timedelta(seconds=seconds))


def import_administrations(
    session: Session, records: list[dict[str, Any]], origin: str = "import"
) -> int:
    """Add records whose id is new; returns how many were added.

    Raises
    ------
    ValueError
        On the first invalid record, naming it by position; nothing is added
        then if the caller's transaction is rolled back.
    """
    parsed = [_parse(record, origin, position) for position, record in enumerate(records, 1)]
    existing = set(session.scalars(select(AdministrationRow.id)))
    added = 0
    for record in parsed:
        if record.id in existing:
            continue
        session.add(_row(record, origin))
        existing.add(record.id)
        added += 1
    return added


def _parse(raw: dict[str, Any], origin: str, position: int) -> AdministrationRecord:
    try:
        record = AdministrationRecord.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ValueError(
            f"{origin}: questionnaire record {position}: {where}: {error['msg']}"
        ) from None
    for name in ("administered_at", "created_at"):
        if getattr(record, name).tzinfo is None:
            raise ValueError(f"{origin}: questionnaire record {position}: {name} needs an offset")
    return record


def _row(record: AdministrationRecord, origin: str) -> AdministrationRow:
    instrument = _instrument(record, origin)
    try:
        result = score(instrument, record.answers)
    except InstrumentError as exc:
        raise ValueError(f"{origin}: questionnaire {record.id[:8]}: {exc}") from None
    offset = record.administered_at.utcoffset()
    return AdministrationRow(
        id=record.id,
        instrument_id=record.instrument_id,
        instrument_as_of=record.instrument_as_of,
        administered_at_utc=record.administered_at.astimezone(UTC).replace(tzinfo=None),
        administered_at_offset_s=int(offset.total_seconds()) if offset else 0,
        zone=record.zone,
        answers=dict(record.answers),
        total=result.total,
        band=result.band,
        crisis=result.crisis,
        definition=record.definition,
        created_at_utc=record.created_at.astimezone(UTC).replace(tzinfo=None),
        deleted_at_utc=record.deleted_at.astimezone(UTC).replace(tzinfo=None)
        if record.deleted_at
        else None,
        note=record.note,
    )


def _instrument(record: AdministrationRecord, origin: str) -> Instrument:
    try:
        if record.definition is not None:
            return Instrument.model_validate(record.definition)
        if record.instrument_id in SHIPPED_IDS:
            return shipped_instrument(record.instrument_id)
    except (ValidationError, InstrumentError) as exc:
        raise ValueError(f"{origin}: questionnaire {record.id[:8]}: {exc}") from None
    raise ValueError(
        f"{origin}: questionnaire {record.id[:8]}: unknown instrument {record.instrument_id!r} "
        "and no definition"
    )

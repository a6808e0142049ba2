"""Questionnaire administrations in journal exports and imports.

``export_administrations`` gives JSON-ready records; ``import_administrations``
adds the ones whose id the journal does not have yet, inside the caller's
session, so that an import stays one transaction and running it twice
changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kratom_journal.domain.date_range import DateRange
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.instruments import Instrument, score
from kratom_journal.instruments.loader import SHIPPED_IDS, InstrumentError, shipped_instrument
from kratom_journal.store.journal import Journal, StoreSession
from kratom_journal.store.questionnaires import (
    StoredAdministration,
    add_administration,
    administration_ids,
    all_administrations,
)


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
    crisis_shown: dict[str, Any] | None = None


def export_administrations(journal: Journal) -> list[dict[str, Any]]:
    """Every administration (deleted ones too) as JSON-ready records, oldest first."""
    return [_record(stored) for stored in all_administrations(journal)]


def _record(stored: StoredAdministration) -> dict[str, Any]:
    return {
        "id": stored.id,
        "instrument_id": stored.instrument_id,
        "instrument_as_of": stored.instrument_as_of,
        "administered_at": stored.administered_at.isoformat(),
        "zone": stored.zone,
        "answers": stored.answers,
        "definition": stored.definition,
        "created_at": stored.created_at.isoformat(),
        "deleted_at": stored.deleted_at.isoformat() if stored.deleted_at else None,
        "note": stored.note,
        "crisis_shown": stored.crisis_shown,
    }


def import_administrations(
    session: StoreSession, records: list[dict[str, Any]], origin: str = "import"
) -> int:
    """Add records whose id is new; returns how many were added.

    Raises
    ------
    ValueError
        On the first invalid record, naming it by position; nothing is added
        then if the caller's transaction is rolled back.
    """
    parsed = [_parse(record, origin, position) for position, record in enumerate(records, 1)]
    existing = administration_ids(session)
    added = 0
    for record in parsed:
        if record.id in existing:
            continue
        add_administration(session, _stored(record, origin))
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
    for name in ("administered_at", "created_at", "deleted_at"):
        value = getattr(record, name)
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{origin}: questionnaire record {position}: {name} needs an offset")
    try:
        DateRange.around(datetime.now(UTC)).check_instant(record.administered_at, "administered_at")
    except InvalidEntry as exc:
        raise ValueError(f"{origin}: questionnaire record {position}: {exc}") from None
    return record


def _stored(record: AdministrationRecord, origin: str) -> StoredAdministration:
    instrument = _instrument(record, origin)
    try:
        result = score(instrument, record.answers)
    except InstrumentError as exc:
        raise ValueError(f"{origin}: questionnaire {record.id[:8]}: {exc}") from None
    return StoredAdministration(
        id=record.id,
        instrument_id=record.instrument_id,
        instrument_as_of=record.instrument_as_of,
        administered_at=record.administered_at,
        zone=record.zone,
        answers=dict(record.answers),
        total=result.total,
        band=result.band,
        crisis=result.crisis,
        definition=record.definition,
        created_at=record.created_at,
        deleted_at=record.deleted_at,
        note=record.note,
        crisis_shown=record.crisis_shown,
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

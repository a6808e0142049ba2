"""Versioned entries inside a session: conversion to rows, history, imports.

Entries are never overwritten silently: every change records the entry's state
after it, and deletes only mark the row. Each function takes the caller's
session, so that a use case (an import, say) is one transaction however many
rows it writes; :class:`kratom_journal.store.journal.Journal` wraps the common
ones in a transaction each.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kratom_journal.domain.date_range import DateRange
from kratom_journal.domain.entries import ENTRY_TYPES, Dose, Entry, Kind, kind_of
from kratom_journal.domain.errors import InvalidEntry, InvalidInput, NotFound
from kratom_journal.domain.serialize import entry_from_dict, entry_to_dict
from kratom_journal.store.tables import ENTRY_TABLES, RevisionRow, SleepDiaryRow
from kratom_journal.store.types import offset_seconds, with_offset

_TIME_COLUMN = {
    Kind.DOSE: "taken_at_utc",
    Kind.SLEEP: "bed_at_utc",
    Kind.MOOD: "at_utc",
    Kind.SIDE_EFFECT: "at_utc",
}


class EntryNotFound(NotFound):
    """No entry has the given id (or the id prefix is ambiguous)."""


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: the domain value plus identity, version and deletion state."""

    id: str
    kind: Kind
    entry: Entry
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    source: str

    @property
    def short_id(self) -> str:
        """The first eight characters of the id, enough to name an entry on the CLI."""
        return self.id[:8]


@dataclass(frozen=True)
class Revision:
    """One historical state of an entry."""

    version: int
    action: str
    changed_at: datetime
    data: dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


# --- conversion between domain entries and rows -------------------------------------------


def entry_values(entry: Entry) -> dict[str, Any]:
    """Column values for an entry's own fields; instants become UTC plus offset."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(entry):
        value = getattr(entry, f.name)
        if isinstance(value, datetime):
            values[f"{f.name}_utc"] = value
            values[f"{f.name}_offset_s"] = offset_seconds(value)
        elif isinstance(value, Enum):
            values[f.name] = value.value
        else:
            values[f.name] = value
    if isinstance(entry, Dose):
        values["strain_key"] = entry.strain_key
    return values


def fill_row(row: Any, entry: Entry) -> None:
    """Copy an entry's fields onto a table row."""
    for name, value in entry_values(entry).items():
        setattr(row, name, value)


def entry_of_row(kind: Kind, row: Any) -> Entry:
    """Rebuild the domain entry a row stores."""
    cls = ENTRY_TYPES[kind]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if hasattr(row, f"{f.name}_utc"):
            values[f.name] = with_offset(
                getattr(row, f"{f.name}_utc"), getattr(row, f"{f.name}_offset_s")
            )
        else:
            values[f.name] = getattr(row, f.name)
    return cls(**values)


def stored_of_row(kind: Kind, row: Any) -> StoredEntry:
    return StoredEntry(
        id=row.id,
        kind=kind,
        entry=entry_of_row(kind, row),
        version=row.version,
        created_at=row.created_at_utc,
        updated_at=row.updated_at_utc,
        deleted_at=row.deleted_at_utc,
        source=row.source,
    )


# --- entry operations inside a session --------------------------------------------------------


def add_entry(
    session: Session,
    entry: Entry,
    *,
    entry_id: str | None = None,
    source: str = "manual",
    now: datetime | None = None,
) -> StoredEntry:
    """Insert a new entry and its first revision."""
    kind = kind_of(entry)
    moment = now or utc_now()
    in_range(entry, moment)
    row = ENTRY_TABLES[kind.value]()
    row.id = entry_id or new_id()
    row.version = 1
    row.created_at_utc = row.updated_at_utc = moment
    row.deleted_at_utc = None
    row.source = source
    fill_row(row, entry)
    session.add(row)
    _record_revision(session, kind, row, "create", moment)
    return stored_of_row(kind, row)


def in_range(entry: Entry, moment: datetime) -> None:
    """Refuse an entry dated before 1970 or more than a day after ``moment`` (the write time).

    The services check the same range first, with the person's birth date and their
    clock; this check keeps whatever path writes an entry from storing a date that
    summaries over all days could not handle.
    """
    DateRange.around(moment).check_entry(entry)


def _record_revision(session: Session, kind: Kind, row: Any, action: str, moment: datetime) -> None:
    session.add(
        RevisionRow(
            entry_id=row.id,
            kind=kind.value,
            version=row.version,
            action=action,
            changed_at_utc=moment,
            data=entry_to_dict(entry_of_row(kind, row)),
        )
    )


def find_row(session: Session, entry_id: str) -> tuple[Kind, Any]:
    """Find an entry's row by its id or a unique prefix of it (at least 4 characters)."""
    key = entry_id.strip().lower()
    if len(key) < 4:
        raise EntryNotFound(f"id {entry_id!r} is too short; give at least 4 characters")
    matches: list[tuple[Kind, Any]] = []
    for kind_name, table in ENTRY_TABLES.items():
        stmt = select(table).where(table.id.startswith(key, autoescape=True)).limit(2)
        matches.extend((Kind(kind_name), row) for row in session.scalars(stmt))
    if not matches:
        raise EntryNotFound(f"no entry with id {entry_id!r}")
    if len(matches) > 1:
        raise EntryNotFound(f"id {entry_id!r} matches several entries; give more characters")
    return matches[0]


def edit_entry(
    session: Session, entry_id: str, changes: dict[str, Any], now: datetime | None = None
) -> StoredEntry:
    """Apply field changes (validated by the domain type) and record the new version."""
    kind, row = find_row(session, entry_id)
    current = entry_to_dict(entry_of_row(kind, row))
    unknown = set(changes) - (set(current) - {"kind"})
    if unknown:
        raise InvalidEntry(f"{kind.value} has no field {', '.join(sorted(unknown))}")
    updated = entry_from_dict({**current, **changes})
    if entry_to_dict(updated) == current:
        return stored_of_row(kind, row)
    moment = now or utc_now()
    in_range(updated, moment)
    fill_row(row, updated)
    row.version += 1
    row.updated_at_utc = moment
    _record_revision(session, kind, row, "edit", moment)
    return stored_of_row(kind, row)


def set_deleted(
    session: Session, entry_id: str, deleted: bool, now: datetime | None = None
) -> StoredEntry:
    """Soft-delete or restore an entry; its data stay and the change is recorded."""
    kind, row = find_row(session, entry_id)
    if (row.deleted_at_utc is not None) == deleted:
        state = "already deleted" if deleted else "not deleted"
        raise InvalidInput(f"entry {row.id[:8]} is {state}")
    moment = now or utc_now()
    row.deleted_at_utc = moment if deleted else None
    row.version += 1
    row.updated_at_utc = moment
    _record_revision(session, kind, row, "delete" if deleted else "undelete", moment)
    return stored_of_row(kind, row)


def list_entries(
    session: Session,
    kinds: Sequence[Kind] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_deleted: bool = False,
) -> list[StoredEntry]:
    """Entries ordered by time; ``since``/``until`` bound the entry's own time (UTC)."""
    result: list[tuple[datetime, StoredEntry]] = []
    for kind in kinds or list(Kind):
        table = ENTRY_TABLES[kind.value]
        column = getattr(table, _TIME_COLUMN[kind])
        stmt = select(table)
        if not include_deleted:
            stmt = stmt.where(table.deleted_at_utc.is_(None))
        if since is not None:
            stmt = stmt.where(column >= since)
        if until is not None:
            stmt = stmt.where(column < until)
        result.extend(_readable(session, kind, table, stmt))
    result.sort(key=lambda pair: (pair[0], pair[1].id))
    return [stored for _, stored in result]


def _readable(
    session: Session, kind: Kind, table: Any, stmt: Any
) -> list[tuple[datetime, StoredEntry]]:
    """The rows of ``stmt`` as entries; a row that no longer parses is noted and skipped."""
    from kratom_journal.store.unreadable import (
        READ_ERRORS,
        UnreadableRows,
        convert_each,
        rows_one_by_one,
        select_by_id,
    )

    found: UnreadableRows = session.info.setdefault(UNREADABLE, UnreadableRows())
    try:
        rows = list(session.scalars(stmt))
    except READ_ERRORS:
        rows = rows_one_by_one(session, table.id, stmt, found, select_by_id(table))

    def convert(row: Any) -> tuple[datetime, StoredEntry]:
        moment = getattr(row, _TIME_COLUMN[kind])
        if not isinstance(moment, datetime):
            raise InvalidEntry(f"the time {moment!r} is not a time", _TIME_COLUMN[kind])
        return moment, stored_of_row(kind, row)

    return convert_each(rows, convert, table.__tablename__, found, lambda row: row.id)


UNREADABLE = "kj_unreadable"
"""``Session.info`` key of the rows a read skipped (gathered by the journal afterwards)."""


def live_diary_for_night(session: Session, night: date) -> StoredEntry | None:
    """The undeleted sleep diary entry of a night, if there is one."""
    stmt = select(SleepDiaryRow).where(
        SleepDiaryRow.night == night, SleepDiaryRow.deleted_at_utc.is_(None)
    )
    row = session.scalars(stmt).first()
    return stored_of_row(Kind.SLEEP, row) if row is not None else None


def revisions_of(session: Session, entry_id: str) -> list[Revision]:
    """All recorded states of an entry, oldest first."""
    _, row = find_row(session, entry_id)
    stmt = select(RevisionRow).where(RevisionRow.entry_id == row.id).order_by(RevisionRow.version)
    return [
        Revision(r.version, r.action, r.changed_at_utc, dict(r.data)) for r in session.scalars(stmt)
    ]


def restore_entry(session: Session, stored: StoredEntry, history: Sequence[Revision]) -> None:
    """Insert an entry exactly as exported: same id, version, times and history."""
    in_range(stored.entry, utc_now())
    row = ENTRY_TABLES[stored.kind.value]()
    row.id = stored.id
    row.version = stored.version
    row.created_at_utc = stored.created_at
    row.updated_at_utc = stored.updated_at
    row.deleted_at_utc = stored.deleted_at
    row.source = stored.source
    fill_row(row, stored.entry)
    session.add(row)
    for revision in history:
        session.add(
            RevisionRow(
                entry_id=stored.id,
                kind=stored.kind.value,
                version=revision.version,
                action=revision.action,
                changed_at_utc=revision.changed_at,
                data=revision.data,
            )
        )


def kind_with_id(session: Session, entry_id: str) -> Kind | None:
    """The kind of the entry with exactly this id, of whatever kind, or ``None``."""
    for kind_name, table in ENTRY_TABLES.items():
        if session.get(table, entry_id) is not None:
            return Kind(kind_name)
    return None


def entry_exists(session: Session, kind: Kind, entry_id: str) -> bool:
    table = ENTRY_TABLES[kind.value]
    return session.get(table, entry_id) is not None


def bulk_add(
    session: Session,
    items: Sequence[tuple[str, Entry]],
    *,
    source: str,
    now: datetime | None = None,
) -> None:
    """Insert many new entries (id, entry) with their first revisions in few statements."""
    moment = now or utc_now()
    by_kind: dict[Kind, list[dict[str, Any]]] = {}
    revisions: list[dict[str, Any]] = []
    for entry_id, entry in items:
        in_range(entry, moment)
        kind = kind_of(entry)
        row = entry_values(entry)
        row.update(
            id=entry_id,
            version=1,
            created_at_utc=moment,
            updated_at_utc=moment,
            deleted_at_utc=None,
            source=source,
        )
        by_kind.setdefault(kind, []).append(row)
        revisions.append(
            {
                "entry_id": entry_id,
                "kind": kind.value,
                "version": 1,
                "action": "create",
                "changed_at_utc": moment,
                "data": entry_to_dict(entry),
            }
        )
    for kind, rows in by_kind.items():
        session.execute(insert(ENTRY_TABLES[kind.value]), rows)
    if revisions:
        session.execute(insert(RevisionRow), revisions)


def live_content_index(session: Session, kind: Kind) -> dict[str, str]:
    """Map each live entry's content fingerprint to its id (for idempotent imports)."""
    table = ENTRY_TABLES[kind.value]
    stmt = select(table).where(table.deleted_at_utc.is_(None))
    return {content_fingerprint(entry_of_row(kind, row)): row.id for row in session.scalars(stmt)}


def content_fingerprint(entry: Entry) -> str:
    """A stable hash of an entry's content.

    Instants are compared with the offset they were recorded with: the same
    moment logged in two zones is two entries, as the rows that carry them differ.
    """
    data = entry_to_dict(entry)
    for name, value in list(data.items()):
        if isinstance(value, str) and name in _INSTANT_FIELDS:
            data[name] = datetime.fromisoformat(value).isoformat()
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


_INSTANT_FIELDS = frozenset(
    {"taken_at", "bed_at", "tried_at", "final_wake_at", "out_of_bed_at", "at"}
)


def existing_ids(session: Session, keys: Sequence[tuple[Kind, str]]) -> set[str]:
    """Which of these (kind, id) pairs are already stored, deleted or not."""
    found: set[str] = set()
    by_kind: dict[Kind, list[str]] = {}
    for kind, entry_id in keys:
        by_kind.setdefault(kind, []).append(entry_id)
    for kind, ids in by_kind.items():
        table = ENTRY_TABLES[kind.value]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(session.scalars(select(table.id).where(table.id.in_(chunk))))
    return found

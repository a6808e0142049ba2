"""Stored self-experiments and their adherence log.

Functions take the caller's session, so that a use case reads, checks and
changes an experiment in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.store.experiment_tables import ExperimentLogRow, ExperimentRow

OPEN = ("planned", "running")
"""Statuses of an experiment that is not over."""


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """An experiment as stored: its plan and, once started, its frozen schedule and hash."""

    id: int
    status: str
    plan_json: str
    created_at: datetime
    schedule_json: str | None = None
    frozen_hash: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: str | None = None


@dataclass(frozen=True, slots=True)
class AdherenceEntry:
    """Whether the scheduled condition was followed on one day."""

    day: date
    followed: bool
    note: str | None
    logged_at: datetime


_PLAN_FIELDS = tuple(f.name for f in fields(StoredPlan))


def _stored(row: ExperimentRow) -> StoredPlan:
    return StoredPlan(**{name: getattr(row, name) for name in _PLAN_FIELDS})


def open_experiment(session: Session) -> StoredPlan | None:
    """The planned or running experiment (the newest, should there be several)."""
    stmt = (
        select(ExperimentRow)
        .where(ExperimentRow.status.in_(OPEN))
        .order_by(ExperimentRow.id.desc())
    )
    row = session.scalars(stmt).first()
    return _stored(row) if row is not None else None


def latest_experiment(session: Session) -> StoredPlan | None:
    """The newest experiment, whatever its status."""
    row = session.scalars(select(ExperimentRow).order_by(ExperimentRow.id.desc())).first()
    return _stored(row) if row is not None else None


def add_experiment(
    session: Session, status: str, plan_json: str, created_at: datetime, **values: Any
) -> StoredPlan:
    """Insert an experiment; the store gives it its id."""
    row = ExperimentRow(status=status, plan_json=plan_json, created_at=created_at, **values)
    session.add(row)
    session.flush()
    return _stored(row)


def update_experiment(session: Session, experiment_id: int, **changes: Any) -> StoredPlan:
    """Change the named fields of an experiment (status, schedule, stop time, ...)."""
    row = session.get(ExperimentRow, experiment_id)
    if row is None:
        raise LookupError(f"no experiment {experiment_id}")
    unknown = set(changes) - (set(_PLAN_FIELDS) - {"id"})
    if unknown:
        raise ValueError(f"experiments have no changeable field {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()
    return _stored(row)


def delete_experiment(session: Session, experiment_id: int) -> None:
    """Remove an experiment that never started (its log goes with it)."""
    row = session.get(ExperimentRow, experiment_id)
    if row is not None:
        session.delete(row)


def set_adherence(session: Session, experiment_id: int, entry: AdherenceEntry) -> None:
    """Record the adherence of one day, replacing an earlier record of that day."""
    existing = session.scalars(
        select(ExperimentLogRow).where(
            ExperimentLogRow.experiment_id == experiment_id, ExperimentLogRow.day == entry.day
        )
    ).first()
    if existing is None:
        session.add(
            ExperimentLogRow(
                experiment_id=experiment_id,
                day=entry.day,
                followed=entry.followed,
                note=entry.note,
                logged_at=entry.logged_at,
            )
        )
    else:
        existing.followed = entry.followed
        existing.note = entry.note
        existing.logged_at = entry.logged_at


def adherence(session: Session, experiment_id: int) -> list[AdherenceEntry]:
    """The adherence log of one experiment, by day."""
    rows = session.scalars(
        select(ExperimentLogRow)
        .where(ExperimentLogRow.experiment_id == experiment_id)
        .order_by(ExperimentLogRow.day)
    )
    return [AdherenceEntry(r.day, bool(r.followed), r.note, r.logged_at) for r in rows]


def all_experiments(session: Session) -> list[StoredPlan]:
    """Every experiment, oldest first."""
    rows = session.scalars(select(ExperimentRow).order_by(ExperimentRow.created_at))
    return [_stored(row) for row in rows]

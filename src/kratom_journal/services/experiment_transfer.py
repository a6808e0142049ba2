"""Self-experiments in the journal's JSON export, and back (lossless, idempotent).

Experiments have local integer ids, so an experiment is recognised on import by
its creation time and plan; its frozen schedule and hash travel unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.store.experiment_tables import ExperimentLogRow, ExperimentRow
from kratom_journal.store.journal import Journal

_TIMES = ("created_at", "started_at", "stopped_at")


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def _naive(value: str | None) -> datetime | None:
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return instant.astimezone(UTC).replace(tzinfo=None)


def export_experiments(journal: Journal) -> list[dict[str, Any]]:
    """Every experiment with its adherence log, oldest first."""
    with journal.session() as session:
        rows = session.scalars(select(ExperimentRow).order_by(ExperimentRow.created_at))
        return [_record(session, row) for row in rows]


def _record(session: Session, row: ExperimentRow) -> dict[str, Any]:
    logs = session.scalars(
        select(ExperimentLogRow)
        .where(ExperimentLogRow.experiment_id == row.id)
        .order_by(ExperimentLogRow.day)
    )
    return {
        "status": row.status,
        "plan": row.plan_json,
        "schedule": row.schedule_json,
        "frozen_hash": row.frozen_hash,
        **{name: _iso(getattr(row, name)) for name in _TIMES},
        "stop_reason": row.stop_reason,
        "log": [
            {
                "day": log.day.isoformat(),
                "followed": log.followed,
                "note": log.note,
                "logged_at": _iso(log.logged_at),
            }
            for log in logs
        ],
    }


def import_experiments(session: Session, records: list[dict[str, Any]], origin: str = "") -> int:
    """Add experiments not yet in the journal; raise ``ValueError`` naming a bad record."""
    existing = {(row.created_at, row.plan_json) for row in session.scalars(select(ExperimentRow))}
    added = 0
    for position, record in enumerate(records, 1):
        try:
            row = ExperimentRow(
                status=str(record["status"]),
                plan_json=str(record["plan"]),
                schedule_json=record["schedule"],
                frozen_hash=record["frozen_hash"],
                stop_reason=record["stop_reason"],
                **{name: _naive(record[name]) for name in _TIMES},
            )
            logs = [
                (
                    date.fromisoformat(item["day"]),
                    bool(item["followed"]),
                    item["note"],
                    _naive(item["logged_at"]),
                )
                for item in record["log"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"experiment {position} is malformed ({exc})") from None
        if (row.created_at, row.plan_json) in existing:
            continue
        session.add(row)
        session.flush()
        for day, followed, note, logged_at in logs:
            session.add(
                ExperimentLogRow(
                    experiment_id=row.id, day=day, followed=followed, note=note, logged_at=logged_at
                )
            )
        added += 1
    return added

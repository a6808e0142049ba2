"""Self-experiments in the journal's JSON export, and back (lossless, idempotent).

Experiments have local integer ids, so an experiment is recognised on import by
its creation time and plan; its frozen schedule and hash travel unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kratom_journal.store import experiments as store
from kratom_journal.store.experiments import AdherenceEntry, StoredPlan
from kratom_journal.store.journal import Journal, StoreSession

_TIMES = ("created_at", "started_at", "stopped_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return instant


def export_experiments(journal: Journal) -> list[dict[str, Any]]:
    """Every experiment with its adherence log, oldest first."""
    with journal.session() as session:
        return [
            _record(row, store.adherence(session, row.id)) for row in store.all_experiments(session)
        ]


def _record(row: StoredPlan, log: list[AdherenceEntry]) -> dict[str, Any]:
    return {
        "status": row.status,
        "plan": row.plan_json,
        "schedule": row.schedule_json,
        "frozen_hash": row.frozen_hash,
        **{name: _iso(getattr(row, name)) for name in _TIMES},
        "stop_reason": row.stop_reason,
        "log": [
            {
                "day": entry.day.isoformat(),
                "followed": entry.followed,
                "note": entry.note,
                "logged_at": _iso(entry.logged_at),
            }
            for entry in log
        ],
    }


def import_experiments(
    session: StoreSession,
    records: list[dict[str, Any]],
    origin: str = "",  # noqa: ARG001 - the transfer protocol's signature; records carry no origin
) -> int:
    """Add experiments not yet in the journal; raise ``ValueError`` naming a bad record."""
    existing = {(row.created_at, row.plan_json) for row in store.all_experiments(session)}
    added = 0
    for position, record in enumerate(records, 1):
        try:
            created_at = _instant(record["created_at"])
            if created_at is None:
                raise ValueError("created_at is missing")
            values = {
                "schedule_json": record["schedule"],
                "frozen_hash": record["frozen_hash"],
                "stop_reason": record["stop_reason"],
                "started_at": _instant(record["started_at"]),
                "stopped_at": _instant(record["stopped_at"]),
            }
            status, plan = str(record["status"]), str(record["plan"])
            log = [_entry(item) for item in record["log"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"experiment {position} is malformed ({exc})") from None
        if (created_at, plan) in existing:
            continue
        row = store.add_experiment(session, status, plan, created_at, **values)
        for entry in log:
            store.set_adherence(session, row.id, entry)
        existing.add((created_at, plan))
        added += 1
    return added


def _entry(item: dict[str, Any]) -> AdherenceEntry:
    logged_at = _instant(item["logged_at"])
    if logged_at is None:
        raise ValueError("logged_at is missing")
    return AdherenceEntry(
        date.fromisoformat(item["day"]), bool(item["followed"]), item["note"], logged_at
    )

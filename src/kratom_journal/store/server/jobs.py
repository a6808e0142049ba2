"""The job queue: rows in ``jobs``, each taken by one worker with ``FOR UPDATE SKIP LOCKED``.

No broker: any number of app processes and ``server worker`` processes take jobs
from the same table; a job whose worker died is taken again after
:data:`STALE_AFTER`, at most :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from kratom_journal.store.server.tables import Job, LoginFailure

STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
PERIODIC_LOCK_KEY = 0x4B4A5051  # "KJPQ": queuing periodic jobs, among advisory locks

__all__ = [
    "Job",
    "delete_finished",
    "enqueue",
    "enqueue_periodic",
    "finish",
    "job",
    "latest",
    "pending",
    "prune_failures",
    "take",
]


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    requested_by: uuid.UUID | None,
    now: datetime,
) -> Job:
    row = Job(
        kind=kind,
        payload=payload,
        state="queued",
        requested_by=requested_by,
        attempts=0,
        run_after=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def take(session: Session, now: datetime) -> Job | None:
    """The oldest job due (or one whose worker vanished), marked running; ``None`` if none."""
    due = and_(Job.state == "queued", Job.run_after <= now)
    stale = and_(
        Job.state == "running", Job.started_at < now - STALE_AFTER, Job.attempts < MAX_ATTEMPTS
    )
    stmt = select(Job).where(or_(due, stale)).order_by(Job.id).limit(1)
    row = session.scalars(stmt.with_for_update(skip_locked=True)).first()
    if row is None:
        return None
    row.state = "running"
    row.attempts += 1
    row.started_at = now
    return row


def finish(
    session: Session,
    job_id: int,
    now: datetime,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    row = session.get(Job, job_id)
    if row is None:
        return
    row.state = "failed" if error else "done"
    row.finished_at = now
    row.result = result
    row.error = error


def job(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def latest(session: Session, kind: str, key: str, value: str) -> Job | None:
    """The newest job of ``kind`` whose payload has ``key`` = ``value``."""
    stmt = select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(50)
    for row in session.scalars(stmt):
        if str(row.payload.get(key)) == value:
            return row
    return None


def pending(session: Session, kind: str, key: str, value: str) -> bool:
    """A job of ``kind`` with ``key`` = ``value`` in its payload is queued and not yet taken."""
    stmt = select(Job.payload).where(Job.kind == kind, Job.state == "queued")
    return any(str(payload.get(key)) == value for payload in session.scalars(stmt.limit(500)))


def enqueue_periodic(session: Session, kind: str, every: timedelta, now: datetime) -> bool:
    """Queue a ``kind`` job unless one is waiting, running, or was queued within ``every``.

    Single-flight across processes: the check and the insert run under a
    transaction-level advisory lock, so two processes starting at once queue one job
    (the one that does not get the lock leaves it to the other). ``True`` if queued.
    """
    got = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PERIODIC_LOCK_KEY}
    ).scalar_one()
    if not got:
        return False
    busy = or_(Job.state.in_(("queued", "running")), Job.created_at > now - every)
    found = session.scalar(select(func.count()).select_from(Job).where(Job.kind == kind, busy))
    if found:
        return False
    enqueue(session, kind, {}, None, now)
    return True


def delete_finished(session: Session, before: datetime) -> int:
    """Remove done and failed jobs that finished before ``before``; how many went."""
    stmt = delete(Job).where(Job.state.in_(("done", "failed")), Job.finished_at < before)
    return _count(session.execute(stmt))


def prune_failures(session: Session, before: datetime) -> int:
    """Remove failed sign-ins older than ``before`` (they no longer count to a lockout)."""
    return _count(session.execute(delete(LoginFailure).where(LoginFailure.at < before)))


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)

"""The job queue: rows in ``jobs``, each taken by one worker with ``FOR UPDATE SKIP LOCKED``.

No broker: any number of app processes and ``server worker`` processes take jobs
from the same table; a job whose worker died is taken again after
:data:`STALE_AFTER`, at most :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from kratom_journal.store.server.tables import Job, LoginFailure

STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3

__all__ = ["Job", "enqueue", "finish", "job", "latest", "prune_failures", "take"]


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


def prune_failures(session: Session, before: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at < before))

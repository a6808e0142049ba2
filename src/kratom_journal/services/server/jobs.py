"""Background work: pooled analyses, study exports and housekeeping, on the PostgreSQL queue.

A job runs as the account that asked for it (a researcher's analysis reads what their
grants let them read, like their pages do). Handlers are registered by kind.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from kratom_journal.domain.errors import JournalError
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.store.server import jobs as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, as_nobody

Handler = Callable[[ServerDatabase, dict[str, Any], Clock], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}
POLL_SECONDS = 1.0
PERIODIC_CHECK_SECONDS = 60.0
"""How often a worker looks whether a periodic job is due (each is queued once per period)."""

log = logging.getLogger("kratom_journal.server.jobs")


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def enqueue(
    db: ServerDatabase,
    kind: str,
    payload: dict[str, Any],
    requested_by: uuid.UUID | None,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    if kind not in HANDLERS:
        _load_handlers()
    if kind not in HANDLERS:
        raise ValueError(f"no job handler for {kind!r}")
    with db.session() as session:
        return store.enqueue(session, kind, payload, requested_by, clock.now()).id


def job_state(db: ServerDatabase, job_id: int) -> tuple[str, dict[str, Any] | None, str | None]:
    with db.session() as session:
        row = store.job(session, job_id)
        if row is None:
            return "missing", None, None
        return row.state, row.result, row.error


def run_one(db: ServerDatabase, clock: Clock = SYSTEM_CLOCK) -> bool:
    """Take and run one job; ``False`` when none was due."""
    _load_handlers()
    with as_nobody(), db.session() as session:
        row = store.take(session, clock.now())
        if row is None:
            return False
        job_id, kind, payload, requested_by = row.id, row.kind, dict(row.payload), row.requested_by
    result: dict[str, Any] | None = None
    error: str | None = None
    try:
        work = HANDLERS[kind]
        if requested_by is not None:
            with acting_as(requested_by):
                result = work(db, payload, clock)
        else:
            result = work(db, payload, clock)
    except JournalError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a failed job is recorded, the worker goes on
        error = f"internal error ({type(exc).__name__}); this is a bug"
        log.error(
            '{"event":"job-failed","job":%d,"kind":"%s","error":"%s"}',
            job_id,
            kind,
            type(exc).__name__,
        )
    with as_nobody(), db.session() as session:
        store.finish(session, job_id, clock.now(), result=result, error=error)
    return True


def run_worker(
    db: ServerDatabase,
    stop: threading.Event,
    clock: Clock = SYSTEM_CLOCK,
    poll: float = POLL_SECONDS,
) -> None:
    """Run jobs until ``stop`` is set; waits ``poll`` seconds when the queue is empty.

    Also queues the periodic jobs (housekeeping) when this worker starts and whenever
    they are due; across any number of workers each is queued once per period.
    """
    from kratom_journal.services.server.housekeeping import queue_periodic

    next_check = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_check:
                queue_periodic(db, clock)
                next_check = time.monotonic() + PERIODIC_CHECK_SECONDS
            busy = run_one(db, clock)
        except Exception:  # noqa: BLE001 - the database may be away for a moment
            log.error('{"event":"job-queue-unreachable"}')
            busy = False
        if not busy:
            stop.wait(poll)


def _load_handlers() -> None:
    # The handlers live beside their use cases; importing them registers them.
    from kratom_journal.services.server import (  # noqa: F401
        housekeeping,
        reminders,
        study_jobs,
    )

"""Housekeeping on the job queue: rows that can no longer be used are deleted.

Expired or long-idle sign-in sessions, expired reset links, failed sign-ins older
than the lockout window (they no longer count towards a lockout) and finished jobs
older than :data:`FINISHED_JOBS_KEPT`. The job is queued when a worker starts and
every :data:`HOUSEKEEPING_EVERY`, once across all processes (see
``store.server.jobs.enqueue_periodic``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.server.accounts import JOURNAL_ROLES, STAFF_ROLES
from kratom_journal.services.server.jobs import handler
from kratom_journal.services.server.signin import LOCK_WINDOW, PERSON_IDLE, STAFF_IDLE
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import jobs as job_store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import as_nobody

HOUSEKEEPING = "housekeeping"
HOUSEKEEPING_EVERY = timedelta(hours=1)
FINISHED_JOBS_KEPT = timedelta(days=30)
"""Done and failed jobs are kept this long (a study page shows its latest jobs' states)."""


def queue_periodic(db: ServerDatabase, clock: Clock = SYSTEM_CLOCK) -> bool:
    """Queue housekeeping if it is due and no other process did; ``True`` if queued."""
    with as_nobody(), db.session() as session:
        return job_store.enqueue_periodic(session, HOUSEKEEPING, HOUSEKEEPING_EVERY, clock.now())


@handler(HOUSEKEEPING)
def housekeeping(db: ServerDatabase, _payload: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """Delete what has expired; the counts are the job's result."""
    now = clock.now()
    with as_nobody(), db.session() as session:
        sessions = account_store.delete_expired_sessions(session, now)
        sessions += account_store.delete_idle_sessions(session, now - STAFF_IDLE, STAFF_ROLES)
        sessions += account_store.delete_idle_sessions(session, now - PERSON_IDLE, JOURNAL_ROLES)
        links = account_store.delete_expired_reset_links(session, now)
        failures = job_store.prune_failures(session, now - LOCK_WINDOW)
        finished = job_store.delete_finished(session, now - FINISHED_JOBS_KEPT)
    return {
        "sessions_removed": sessions,
        "reset_links_removed": links,
        "failed_sign_ins_removed": failures,
        "jobs_removed": finished,
    }

"""Housekeeping on the job queue, on a real PostgreSQL: expired rows go, live ones stay.

What is tested: sessions past their lifetime or idle longer than their role allows are
deleted and live ones kept; expired reset links go, a live one stays; failed sign-ins
older than the lockout window go, recent ones (which still count towards a lockout)
stay; done and failed jobs older than 30 days go, recent ones and unfinished ones
stay. The job is queued once however many workers ask at the same moment (each on
its own connection, as separate processes are), not again within the hour, and again
after it.
What is NOT tested: the hourly timer of a long-running worker (the check it runs is).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kratom_journal.services.clock import FixedClock
from kratom_journal.services.server import accounts, jobs
from kratom_journal.services.server.housekeeping import HOUSEKEEPING, queue_periodic
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import jobs as job_store
from kratom_journal.store.server.schema import ServerDatabase, open_server_database
from kratom_journal.store.server.tables import Job, LoginFailure
from kratom_journal.store.tenancy import as_nobody
from tests.pg_server import PostgresServer
from tests.server.conftest import new_server

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(postgres_server: PostgresServer, server_template: str) -> Iterator[ServerDatabase]:
    """A server database of the test's own (no app process takes its jobs)."""
    found = open_server_database(new_server(postgres_server, server_template).app)
    yield found
    found.close()


def add_rows(db: ServerDatabase) -> None:
    person = accounts.create_account(db, "hk-person", "P", "person", "a long passphrase 1")
    staff = accounts.create_account(db, "hk-staff", "S", "researcher", "a long passphrase 2")
    hour, day = timedelta(hours=1), timedelta(days=1)
    sessions = {
        # token: (account, last seen, expires)
        "expired": (person.id, NOW - 2 * hour, NOW - hour),
        "person-idle-8-days": (person.id, NOW - 8 * day, NOW + 20 * day),
        "person-seen-2-days-ago": (person.id, NOW - 2 * day, NOW + 20 * day),
        "staff-idle-2-hours": (staff.id, NOW - 2 * hour, NOW + 8 * hour),
        "staff-seen-just-now": (staff.id, NOW - timedelta(minutes=5), NOW + 8 * hour),
    }
    with as_nobody(), db.session() as session:
        for token, (account, seen, expires) in sessions.items():
            account_store.add_session(session, token, account, "full", seen, expires)
        account_store.add_reset_link(
            session, "old-link", person.id, staff.id, NOW - 2 * day, NOW - day
        )
        account_store.add_reset_link(
            session, "live-link", staff.id, staff.id, NOW - hour, NOW + day
        )
        account_store.add_failure(session, "hk-person", "10.0.0.1", NOW - timedelta(minutes=16))
        account_store.add_failure(session, "hk-person", "10.0.0.1", NOW - timedelta(minutes=5))
        for state, age in (("done", 31), ("failed", 40), ("done", 1), ("queued", 40)):
            row = job_store.enqueue(session, "pooled-analysis", {"age": age}, None, NOW - age * day)
            row.run_after = NOW + 365 * day  # never taken by the worker in this test
            if state != "queued":
                row.state, row.finished_at = state, NOW - age * day


def live_sessions(db: ServerDatabase) -> set[str]:
    tokens = [
        "expired",
        "person-idle-8-days",
        "person-seen-2-days-ago",
        "staff-idle-2-hours",
        "staff-seen-just-now",
    ]
    with as_nobody(), db.session() as session:
        return {t for t in tokens if account_store.find_session(session, t) is not None}


def test_expired_rows_go_and_live_ones_stay(db: ServerDatabase) -> None:
    add_rows(db)
    clock = FixedClock(NOW)
    assert queue_periodic(db, clock)
    assert jobs.run_one(db, clock)
    assert live_sessions(db) == {"person-seen-2-days-ago", "staff-seen-just-now"}
    with as_nobody(), db.session() as session:
        assert account_store.reset_link(session, "old-link") is None
        assert account_store.reset_link(session, "live-link") is not None
        failures = session.scalars(select(LoginFailure.at)).all()
        assert failures == [NOW - timedelta(minutes=5)]
        left = sorted(
            (row.state, row.payload.get("age"))
            for row in session.scalars(select(Job).where(Job.kind != HOUSEKEEPING))
        )
        assert left == [("done", 1), ("queued", 40)]
        done = session.scalars(select(Job).where(Job.kind == HOUSEKEEPING)).one()
        assert done.state == "done"
        assert done.result == {
            "sessions_removed": 3,
            "reset_links_removed": 1,
            "failed_sign_ins_removed": 1,
            "jobs_removed": 2,
        }


def test_the_job_is_queued_once_across_workers_and_again_after_an_hour(
    db: ServerDatabase,
) -> None:
    clock = FixedClock(NOW)
    workers = 8
    start = threading.Barrier(workers)
    results: list[bool] = []

    def worker() -> None:
        start.wait()
        results.append(queue_periodic(db, clock))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (workers - 1) + [True]
    assert not queue_periodic(db, FixedClock(NOW + timedelta(minutes=30)))  # waiting
    assert jobs.run_one(db, clock)
    assert not queue_periodic(db, FixedClock(NOW + timedelta(minutes=59)))  # ran this hour
    assert queue_periodic(db, FixedClock(NOW + timedelta(minutes=61)))
    with as_nobody(), db.session() as session:
        kinds = session.scalars(select(Job.state).where(Job.kind == HOUSEKEEPING)).all()
    assert sorted(kinds) == ["done", "queued"]

"""Signing in and out: throttling, lockout, server-side sessions and the audit trail.

* Five failed sign-ins for one username within 15 minutes lock that username for 15
  minutes (whether or not the account exists, so the answer says nothing about it);
  twenty from one address within 15 minutes refuse that address for as long.
* A session is a random token in a cookie; the database keeps only its SHA-256, so
  any process can check it. Every sign-in starts a new session (no fixation), and
  completing the second factor replaces the half-signed-in one.
* Staff sessions last at most 12 hours and end after an hour idle; a person's or
  participant's phone stays signed in up to 30 days, ending after 7 idle days.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.server.accounts import (
    STAFF_ROLES,
    AccountView,
    normalized_username,
    password_matches,
    view_of,
)
from kratom_journal.store.journal import StoreSession
from kratom_journal.store.server import accounts as store
from kratom_journal.store.server.schema import ServerDatabase

LOCK_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
STAFF_LIFETIME, STAFF_IDLE = timedelta(hours=12), timedelta(hours=1)
PERSON_LIFETIME, PERSON_IDLE = timedelta(days=30), timedelta(days=7)
PENDING_LIFETIME = timedelta(minutes=10)
"""A session waiting for its second factor."""
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SignInResult:
    """The outcome of a password check: a new session token, or why not."""

    token: str | None
    account: AccountView | None
    stage: str | None
    refusal: str | None


@dataclass(frozen=True, slots=True)
class Current:
    """The signed-in account behind a session cookie."""

    token: str
    account: AccountView
    stage: str

    @property
    def complete(self) -> bool:
        return self.stage == "full"


BAD_PASSWORD = "The username or password is not right."
LOCKED = "Too many failed sign-ins for this username: try again in 15 minutes, or ask an admin."
THROTTLED = "Too many failed sign-ins from this address: try again in 15 minutes."


def audit(
    db: ServerDatabase,
    action: str,
    *,
    actor_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    study_id: uuid.UUID | None = None,
    detail: str = "",
    address: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Record an event in the append-only audit log."""
    with db.session() as session:
        store.add_event(
            session,
            at=clock.now(),
            action=action,
            actor_id=actor_id,
            subject_id=subject_id,
            study_id=study_id,
            detail=detail,
            address=address,
        )


def sign_in(
    db: ServerDatabase, username: str, password: str, address: str, clock: Clock = SYSTEM_CLOCK
) -> SignInResult:
    """Check a password; on success start a new session (half signed in for staff)."""
    name = normalized_username(username)[:64]
    now = clock.now()
    since = now - LOCK_WINDOW
    with db.session() as session:
        if store.count_failures(session, since, address=address) >= ADDRESS_FAILURES:
            store.add_event(session, at=now, action="sign-in-throttled", address=address)
            return SignInResult(None, None, None, THROTTLED)
        if store.count_failures(session, since, username=name) >= ACCOUNT_FAILURES:
            account = store.account_by_username(session, name)
            store.add_event(
                session,
                at=now,
                action="sign-in-locked",
                subject_id=account.id if account else None,
                address=address,
            )
            return SignInResult(None, None, None, LOCKED)
    with db.session() as session:
        account = store.account_by_username(session, name)
        ok = password_matches(account.password_hash if account else None, password)
        if account is None or not ok or account.disabled_at is not None:
            store.add_failure(session, name, address, now)
            failures = store.count_failures(session, since, username=name) + 1
            if account is not None and failures >= ACCOUNT_FAILURES:
                account.locked_until = now + LOCK_WINDOW
            store.add_event(
                session,
                at=now,
                action="sign-in-failed",
                subject_id=account.id if account else None,
                address=address,
            )
            return SignInResult(None, None, None, BAD_PASSWORD)
        store.clear_failures(session, name)
        account.locked_until = None
        stage = "full"
        if account.role in STAFF_ROLES:
            stage = "totp" if account.totp_enabled else "enrol"
        token = _new_session(session, account.id, account.role, stage, now)
        store.add_event(
            session,
            at=now,
            action="sign-in" if stage == "full" else "sign-in-password",
            actor_id=account.id,
            address=address,
        )
        return SignInResult(token, view_of(account, clock), stage, None)


def _lifetime(role: str, stage: str) -> timedelta:
    if stage != "full":
        return PENDING_LIFETIME
    return STAFF_LIFETIME if role in STAFF_ROLES else PERSON_LIFETIME


def _idle(role: str) -> timedelta:
    return STAFF_IDLE if role in STAFF_ROLES else PERSON_IDLE


def _new_session(
    session: StoreSession, account_id: uuid.UUID, role: str, stage: str, now: datetime
) -> str:
    token = secrets.token_urlsafe(32)
    store.add_session(session, token, account_id, stage, now, now + _lifetime(role, stage))
    return token


def complete_second_factor(
    db: ServerDatabase, current: Current, address: str, clock: Clock = SYSTEM_CLOCK
) -> str:
    """After a good code: the half-signed-in session is replaced by a full one."""
    now = clock.now()
    with db.session() as session:
        store.delete_session(session, current.token)
        token = _new_session(session, current.account.id, current.account.role, "full", now)
        store.add_event(
            session,
            at=now,
            action="sign-in",
            actor_id=current.account.id,
            address=address,
            detail="second factor",
        )
    return token


def resolve(db: ServerDatabase, token: str, clock: Clock = SYSTEM_CLOCK) -> Current | None:
    """The account behind a session token, if the session is live (expired ones are removed)."""
    if not token or len(token) > 128:
        return None
    now = clock.now()
    with db.session() as session:
        found = store.find_session(session, token)
        if found is None:
            return None
        web_session, account = found
        idle_since = now - _idle(account.role)
        if (
            web_session.expires_at <= now
            or web_session.last_seen_at <= idle_since
            or account.disabled_at is not None
        ):
            store.delete_session(session, token)
            return None
        if now - web_session.last_seen_at >= TOUCH_EVERY:
            store.touch_session(session, token, now)
        return Current(token, view_of(account, clock), web_session.stage)


def sign_out(
    db: ServerDatabase, current: Current, address: str, clock: Clock = SYSTEM_CLOCK
) -> None:
    with db.session() as session:
        store.delete_session(session, current.token)
        store.add_event(
            session, at=clock.now(), action="sign-out", actor_id=current.account.id, address=address
        )

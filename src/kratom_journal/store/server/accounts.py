"""Accounts, sign-in sessions, failed sign-ins, reset links and the audit log.

These tables are the server's bookkeeping, read before anyone is signed in (so they
are not under row-level security); only this module's functions touch them. Tokens
(session cookies, reset links, sync tokens, invite codes) are kept as their SHA-256.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kratom_journal.store.server.tables import (
    Account,
    AuditEvent,
    LoginFailure,
    ResetLink,
    WebSession,
)

__all__ = [
    "Account",
    "AuditEvent",
    "ResetLink",
    "WebSession",
    "account_by_id",
    "account_by_username",
    "accounts",
    "add_account",
    "add_event",
    "add_failure",
    "add_reset_link",
    "add_session",
    "clear_failures",
    "count_failures",
    "delete_expired_reset_links",
    "delete_expired_sessions",
    "delete_idle_sessions",
    "delete_session",
    "delete_sessions_of",
    "events",
    "find_session",
    "reset_link",
    "token_hash",
    "touch_session",
]


def token_hash(token: str) -> str:
    """What is stored for a secret token: its SHA-256 (a stolen table gives no live token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_account(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    now: datetime,
) -> Account:
    account = Account(
        id=uuid.uuid4(),
        username=username,
        display_name=display_name,
        role=role,
        password_hash=password_hash,
        totp_enabled=False,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def account_by_username(session: Session, username: str) -> Account | None:
    return session.scalars(select(Account).where(Account.username == username)).first()


def account_by_id(session: Session, account_id: uuid.UUID) -> Account | None:
    return session.get(Account, account_id)


def accounts(session: Session, roles: Sequence[str] | None = None) -> list[Account]:
    stmt = select(Account).order_by(Account.role, Account.username)
    if roles:
        stmt = stmt.where(Account.role.in_(list(roles)))
    return list(session.scalars(stmt))


# --- failed sign-ins ---------------------------------------------------------------------------


def add_failure(session: Session, username: str, address: str, now: datetime) -> None:
    # The name as typed is kept only as its hash: people type passwords into it by mistake.
    session.add(LoginFailure(username=token_hash(username), address=address, at=now))


def count_failures(
    session: Session, since: datetime, *, username: str | None = None, address: str | None = None
) -> int:
    stmt = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    if username is not None:
        stmt = stmt.where(LoginFailure.username == token_hash(username))
    if address is not None:
        stmt = stmt.where(LoginFailure.address == address)
    return int(session.scalar(stmt) or 0)


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == token_hash(username)))


# --- sessions ----------------------------------------------------------------------------------


def add_session(
    session: Session,
    token: str,
    account_id: uuid.UUID,
    stage: str,
    now: datetime,
    expires_at: datetime,
) -> WebSession:
    row = WebSession(
        token_hash=token_hash(token),
        account_id=account_id,
        stage=stage,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    return row


def find_session(session: Session, token: str) -> tuple[WebSession, Account] | None:
    stmt = (
        select(WebSession, Account)
        .join(Account, Account.id == WebSession.account_id)
        .where(WebSession.token_hash == token_hash(token))
    )
    found = session.execute(stmt).first()
    return None if found is None else (found[0], found[1])


def touch_session(session: Session, token: str, now: datetime) -> None:
    stmt = update(WebSession).where(WebSession.token_hash == token_hash(token))
    session.execute(stmt.values(last_seen_at=now))


def delete_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def delete_sessions_of(session: Session, account_id: uuid.UUID) -> None:
    session.execute(delete(WebSession).where(WebSession.account_id == account_id))


def delete_expired_sessions(session: Session, now: datetime) -> int:
    result = session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_idle_sessions(session: Session, before: datetime, roles: Iterable[str]) -> int:
    """Remove sessions of accounts with one of ``roles`` not seen since ``before``."""
    owners = select(Account.id).where(Account.role.in_(list(roles)))
    stmt = delete(WebSession).where(
        WebSession.last_seen_at < before, WebSession.account_id.in_(owners)
    )
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


# --- reset links -------------------------------------------------------------------------------


def add_reset_link(
    session: Session,
    token: str,
    account_id: uuid.UUID,
    created_by: uuid.UUID,
    now: datetime,
    expires_at: datetime,
) -> None:
    # A new link replaces any earlier one that was not used.
    session.execute(
        delete(ResetLink).where(ResetLink.account_id == account_id, ResetLink.used_at.is_(None))
    )
    session.add(
        ResetLink(
            token_hash=token_hash(token),
            account_id=account_id,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
    )


def delete_expired_reset_links(session: Session, now: datetime) -> int:
    """Remove reset links past their expiry (used or not: neither can be used any more)."""
    result = session.execute(delete(ResetLink).where(ResetLink.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)


def reset_link(session: Session, token: str) -> ResetLink | None:
    return session.get(ResetLink, token_hash(token), with_for_update=True)


# --- audit log ---------------------------------------------------------------------------------


def add_event(
    session: Session,
    *,
    at: datetime,
    action: str,
    actor_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    study_id: uuid.UUID | None = None,
    detail: str = "",
    address: str = "",
) -> None:
    session.add(
        AuditEvent(
            at=at,
            action=action,
            actor_id=actor_id,
            subject_id=subject_id,
            study_id=study_id,
            detail=detail[:200],
            address=address[:64],
        )
    )


def events(
    session: Session,
    limit: int = 200,
    *,
    subject_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == subject_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    return list(session.scalars(stmt))

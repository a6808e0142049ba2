"""The server's own tables (PostgreSQL only), beside the journal tables every person has.

Accounts, sign-in sessions, throttling, reset links and the audit log are the
server's bookkeeping; grants and study participations belong to a person and carry
``owner_id`` under row-level security like the journal rows (see :mod:`.rls`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Instant = DateTime(timezone=True)


class ServerBase(DeclarativeBase):
    """Declarative base of the server's own tables (a metadata apart from the journal's)."""


class Account(ServerBase):
    """Someone who signs in: a person, a study participant, a clinician, a researcher, an admin.

    A participant who shares from a local journal has no password (``password_hash``
    is empty) and is reached only through their sync token.
    """

    __tablename__ = "accounts"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    created_at: Mapped[datetime] = mapped_column(Instant)
    disabled_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)


class WebSession(ServerBase):
    """A signed-in browser; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    """``full``, or ``totp`` / ``enrol`` while the second factor is still to come."""
    created_at: Mapped[datetime] = mapped_column(Instant)
    last_seen_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    __table_args__ = (Index("ix_web_sessions_account", "account_id"),)


class LoginFailure(ServerBase):
    """One failed sign-in, counted per account name (its SHA-256) and per address."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(Instant)
    __table_args__ = (
        Index("ix_login_failures_username", "username", "at"),
        Index("ix_login_failures_address", "address", "at"),
    )


class ResetLink(ServerBase):
    """A one-time password reset an admin issued (only the token's SHA-256 is kept)."""

    __tablename__ = "reset_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    used_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)


class AuditEvent(ServerBase):
    """A sign-in, sign-out, or a view of another person's data (append-only)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(Instant)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    study_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_subject", "subject_id"))


class ServerSetting(ServerBase):
    """Server-wide settings: the clinic's name and crisis policy, signing secrets."""

    __tablename__ = "server_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AccessGrant(ServerBase):
    """A person lets a clinician (or a study's researcher) read chosen areas of their journal."""

    __tablename__ = "access_grants"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    grantee_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(16))
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    study_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    created_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    __table_args__ = (
        Index("ix_access_grants_owner", "owner_id"),
        Index("ix_access_grants_grantee", "grantee_id"),
    )


class Invite(ServerBase):
    """A code that lets someone join a study, or share their journal with a clinician."""

    __tablename__ = "invites"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    study_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    clinician_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class Study(ServerBase):
    """A researcher's n-of-1 series: the protocol, frozen by its SHA-256 once opened."""

    __tablename__ = "studies"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    researcher_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(200))
    protocol_json: Mapped[str] = mapped_column(Text)
    protocol_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Instant)
    frozen_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)


class Participation(ServerBase):
    """One person's part in a study, under a pseudonymous study id (owned by the person)."""

    __tablename__ = "study_participants"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    study_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    pseudonym: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    consent_hash: Mapped[str] = mapped_column(String(64))
    consented_at: Mapped[datetime] = mapped_column(Instant)
    status: Mapped[str] = mapped_column(String(16))
    experiment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    data_deleted_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    __table_args__ = (UniqueConstraint("study_id", "pseudonym"),)


class SyncLink(ServerBase):
    """A local journal that pushes to this server: the token's SHA-256 and the account it feeds."""

    __tablename__ = "sync_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    created_at: Mapped[datetime] = mapped_column(Instant)
    last_sync_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    entries_received: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)


class Job(ServerBase):
    """Background work (pooled analyses, exports), taken with ``FOR UPDATE SKIP LOCKED``."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(Instant)
    created_at: Mapped[datetime] = mapped_column(Instant)
    started_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(Instant, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_jobs_state", "state", "run_after"),)


class StudyFile(ServerBase):
    """A finished study export or pooled-analysis result, kept for the researcher to download."""

    __tablename__ = "study_files"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    study_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(Instant)
    __table_args__ = (Index("ix_study_files_study", "study_id", "kind"),)


class ReminderFeed(ServerBase):
    """A participant's study reminders as an iCalendar feed (owned by them, under RLS).

    Calendar apps fetch it without signing in: the link holds the owner's id and a
    random token, of which only the SHA-256 is kept. ``source_hash`` names what the
    feed was drawn from (schedule, zone, reminder times), so a change is noticed.
    """

    __tablename__ = "reminder_feeds"
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Instant)
    generated_at: Mapped[datetime] = mapped_column(Instant)


server_metadata = ServerBase.metadata

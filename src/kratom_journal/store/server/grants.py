"""Grants: a person lets someone read chosen areas of their journal, until revoked or expired.

Row-level security shows a grant to its giver and its grantee only, and lets only
the giver create or revoke it; the policies of the journal tables read it (see
:mod:`.rls`), so a revoked grant hides the rows from the very next transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kratom_journal.store.server.tables import AccessGrant

__all__ = ["AccessGrant", "active_grant", "add_grant", "grants_given", "grants_received", "revoke"]


def add_grant(
    session: Session,
    *,
    owner_id: uuid.UUID,
    grantee_id: uuid.UUID,
    kind: str,
    areas: Sequence[str],
    now: datetime,
    expires_at: datetime | None = None,
    study_id: uuid.UUID | None = None,
) -> AccessGrant:
    grant = AccessGrant(
        id=uuid.uuid4(),
        owner_id=owner_id,
        grantee_id=grantee_id,
        kind=kind,
        areas=list(areas),
        study_id=study_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(grant)
    session.flush()
    return grant


def _active(now: datetime):  # type: ignore[no-untyped-def]
    return (
        AccessGrant.revoked_at.is_(None),
        or_(AccessGrant.expires_at.is_(None), AccessGrant.expires_at > now),
    )


def grants_given(session: Session, owner_id: uuid.UUID) -> list[AccessGrant]:
    stmt = select(AccessGrant).where(AccessGrant.owner_id == owner_id)
    return list(session.scalars(stmt.order_by(AccessGrant.created_at.desc())))


def grants_received(
    session: Session, grantee_id: uuid.UUID, kind: str, now: datetime
) -> list[AccessGrant]:
    stmt = select(AccessGrant).where(
        AccessGrant.grantee_id == grantee_id, AccessGrant.kind == kind, *_active(now)
    )
    return list(session.scalars(stmt.order_by(AccessGrant.created_at)))


def active_grant(
    session: Session, owner_id: uuid.UUID, grantee_id: uuid.UUID, kind: str, now: datetime
) -> AccessGrant | None:
    stmt = select(AccessGrant).where(
        AccessGrant.owner_id == owner_id,
        AccessGrant.grantee_id == grantee_id,
        AccessGrant.kind == kind,
        *_active(now),
    )
    return session.scalars(stmt.order_by(AccessGrant.created_at.desc())).first()


def revoke(session: Session, grant_id: uuid.UUID, now: datetime) -> int:
    """Revoke a grant; 0 when it is not the acting person's own (row-level security)."""
    stmt = (
        update(AccessGrant)
        .where(AccessGrant.id == grant_id, AccessGrant.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(session.execute(stmt), "rowcount", 0) or 0)


def revoke_study_grants(
    session: Session, owner_id: uuid.UUID, study_id: uuid.UUID, now: datetime
) -> None:
    session.execute(
        update(AccessGrant)
        .where(
            AccessGrant.owner_id == owner_id,
            AccessGrant.study_id == study_id,
            AccessGrant.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )

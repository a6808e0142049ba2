"""Participants' reminder feeds (``reminder_feeds``, each row seen by its owner only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kratom_journal.store.server.tables import ReminderFeed

__all__ = ["ReminderFeed", "delete_feed", "feed_of", "save_feed"]


def feed_of(session: Session, owner_id: uuid.UUID) -> ReminderFeed | None:
    return session.get(ReminderFeed, owner_id)


def save_feed(
    session: Session,
    owner_id: uuid.UUID,
    content: str,
    source_hash: str,
    now: datetime,
    token_hash: str | None = None,
) -> ReminderFeed:
    """Store the feed's text; a ``token_hash`` starts a new link (the old one stops working)."""
    row = session.get(ReminderFeed, owner_id, with_for_update=True)
    if row is None:
        if token_hash is None:
            raise ValueError("a new feed needs its token")
        row = ReminderFeed(
            owner_id=owner_id,
            token_hash=token_hash,
            content=content,
            source_hash=source_hash,
            created_at=now,
            generated_at=now,
        )
        session.add(row)
    else:
        row.content, row.source_hash, row.generated_at = content, source_hash, now
        if token_hash is not None:
            row.token_hash, row.created_at = token_hash, now
    session.flush()
    return row


def delete_feed(session: Session, owner_id: uuid.UUID) -> None:
    session.execute(delete(ReminderFeed).where(ReminderFeed.owner_id == owner_id))

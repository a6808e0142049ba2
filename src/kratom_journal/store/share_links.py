"""Reading and writing a local journal's shares (see :mod:`.share_tables`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kratom_journal.domain.entries import Kind
from kratom_journal.store.entries import StoredEntry, stored_of_row
from kratom_journal.store.share_tables import ShareLinkRow
from kratom_journal.store.tables import ENTRY_TABLES, RevisionRow

__all__ = ["ShareLinkRow", "add_link", "changed_entries", "link", "links"]


def add_link(session: Session, **values: Any) -> ShareLinkRow:
    row = ShareLinkRow(**values)
    session.add(row)
    session.flush()
    return row


def links(session: Session) -> list[ShareLinkRow]:
    return list(session.scalars(select(ShareLinkRow).order_by(ShareLinkRow.id)))


def link(session: Session, link_id: int) -> ShareLinkRow | None:
    return session.get(ShareLinkRow, link_id)


def changed_entries(session: Session, after: int) -> tuple[list[StoredEntry], int]:
    """Entries changed since history row ``after`` (each once, as it is now), and the new mark.

    Every change to an entry writes a history row with a growing id, so "what changed
    since the last push" is the entries named by history rows above the mark.
    """
    last = session.scalar(select(func.max(RevisionRow.id)))
    if last is None or last <= after:
        return [], after
    stmt = (
        select(RevisionRow.entry_id, RevisionRow.kind)
        .where(RevisionRow.id > after, RevisionRow.id <= last)
        .distinct()
    )
    found: list[StoredEntry] = []
    for entry_id, kind in session.execute(stmt):
        row = session.get(ENTRY_TABLES[kind], entry_id)
        if row is not None:
            found.append(stored_of_row(Kind(kind), row))
    found.sort(key=lambda s: (s.updated_at, s.id))
    return found, int(last)

"""Every entry's history in one read, for exports that carry all of it.

Reading the history entry by entry costs a lookup by id prefix (a scan of each
entry table) and a query per entry, which made the JSON export of a ten-year
journal take minutes; one ordered SELECT of the revisions table keeps the export
linear in the journal's size.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kratom_journal.store.entries import Revision
from kratom_journal.store.tables import RevisionRow


def revisions_by_entry(session: Session) -> dict[str, list[Revision]]:
    """Each entry id's recorded states, oldest first (entries without history are absent)."""
    table = RevisionRow.__table__
    stmt = select(
        table.c.entry_id, table.c.version, table.c.action, table.c.changed_at_utc, table.c.data
    ).order_by(table.c.entry_id, table.c.version, table.c.id)
    found: dict[str, list[Revision]] = {}
    for entry_id, version, action, changed_at, data in session.execute(stmt):
        found.setdefault(entry_id, []).append(Revision(version, action, changed_at, dict(data)))
    return found

"""Derived results kept in the journal between runs, each tagged with the data version it used."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kratom_journal.store.cache_tables import AnalysisCacheRow
from kratom_journal.store.journal import Journal
from kratom_journal.store.tenancy import current_scope
from kratom_journal.store.versioning import data_version


def fresh_payload(journal: Journal, name: str) -> tuple[str, dict[str, Any] | None]:
    """The journal's data version, and the result cached under ``name`` if it is of that version."""
    with journal.reading() as session:
        version = data_version(session)
        row = session.get(AnalysisCacheRow, name)
        if row is not None and row.data_version == version:
            return version, dict(row.payload)
    return version, None


def save_payload(
    journal: Journal, name: str, version: str, payload: dict[str, Any], at: datetime
) -> None:
    """Keep ``payload`` as the result of ``name`` computed from data version ``version``.

    Someone reading another person's journal through a grant writes nothing into it.
    """
    scope = current_scope()
    if scope is not None and scope.viewing_other:
        return
    with journal.session() as session:
        row = session.get(AnalysisCacheRow, name)
        if row is None:
            row = AnalysisCacheRow(name=name)
            session.add(row)
        row.data_version = version
        row.payload = payload
        row.computed_at_utc = at

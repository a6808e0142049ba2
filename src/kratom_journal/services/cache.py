"""Derived results cached in the journal itself, recomputed only when its data change.

Insights over years of data take a second or two; a report, the web pages and
``kj analyze`` all show the same ones. The cache survives between processes and
is invalidated by :func:`~kratom_journal.store.versioning.data_version`, which
any write (from any process) moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kratom_journal.store.cache_tables import AnalysisCacheRow
from kratom_journal.store.journal import Journal
from kratom_journal.store.versioning import data_version


def cached(journal: Journal, name: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The JSON-ready result ``compute()`` gave for the journal's current data."""
    with journal.session() as session:
        version = data_version(session)
        row = session.get(AnalysisCacheRow, name)
        if row is not None and row.data_version == version:
            return dict(row.payload)
    payload = compute()
    with journal.session() as session:
        row = session.get(AnalysisCacheRow, name)
        if row is None:
            row = AnalysisCacheRow(name=name)
            session.add(row)
        row.data_version = version
        row.payload = payload
        row.computed_at_utc = datetime.now(UTC).replace(tzinfo=None)
    return payload

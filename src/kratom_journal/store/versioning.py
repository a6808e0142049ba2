"""A cheap fingerprint of everything a journal holds, for caches of derived results.

It changes whenever an entry is written (every write adds a revision), a setting
changes, or another kind of data is added or changed (questionnaires, wearable
imports, medicines, experiments), whichever process wrote it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import DateTime, Table, func, select
from sqlalchemy.orm import Session

from kratom_journal.store.tables import RevisionRow, SettingRow, metadata

WATCHED_TABLES = (
    "questionnaire_administrations",
    "wearable_import",
    "declared_medicines",
    "experiments",
    "experiment_logs",
)
"""Tables outside the entry history whose changes change the fingerprint."""


def _watch_queries() -> list[Any]:
    queries = []
    for name in WATCHED_TABLES:
        table = metadata.tables.get(name)
        if not isinstance(table, Table):
            continue
        stamps = [func.max(c) for c in table.columns if isinstance(c.type, DateTime)]
        queries.append(select(func.count(), *stamps).select_from(table))
    return queries


def data_version(session: Session) -> str:
    """A hex digest that differs whenever the journal's data or settings differ."""
    latest = session.scalar(select(func.max(RevisionRow.id)))
    settings = sorted(session.execute(select(SettingRow.key, SettingRow.value)).all())
    others = [tuple(session.execute(query).one()) for query in _watch_queries()]
    text = repr((latest, [tuple(s) for s in settings], others))
    return hashlib.sha256(text.encode()).hexdigest()

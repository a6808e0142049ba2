"""A small cache for expensive page parts (insights), invalidated whenever the journal changes.

The key includes the journal's latest revision id and, for the other kinds of
data (questionnaires, wearable imports, medicines, experiments), each table's row
count and latest time stamps, so a change written by the command line in another
process invalidates it too; writes through the web app also bump a counter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import DateTime, Table, func, select

from kratom_journal.store.journal import Journal
from kratom_journal.store.tables import RevisionRow, SettingRow

T = TypeVar("T")

WATCHED_TABLES = (
    "questionnaire_administrations",
    "wearable_import",
    "declared_medicines",
    "experiments",
    "experiment_logs",
)
"""Tables outside the entry history whose changes must also refresh cached pages."""


def _watch_queries() -> list[Any]:
    from kratom_journal.store.tables import metadata

    queries = []
    for name in WATCHED_TABLES:
        table = metadata.tables.get(name)
        if not isinstance(table, Table):
            continue
        stamps = [func.max(c) for c in table.columns if isinstance(c.type, DateTime)]
        queries.append(select(func.count(), *stamps).select_from(table))
    return queries


class PageCache:
    """Values computed from the whole journal, kept until the journal changes."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._generation = 0
        self._values: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._watch = _watch_queries()

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._values.clear()

    def data_version(self) -> tuple[Any, ...]:
        with self._journal.session() as session:
            latest = session.scalar(select(func.max(RevisionRow.id)))
            settings = tuple(session.execute(select(SettingRow.key, SettingRow.value)).all())
            others = tuple(tuple(session.execute(query).one()) for query in self._watch)
        return (self._generation, latest, settings, others)

    def get(self, name: str, compute: Callable[[], T], *extra_key: Any) -> T:
        version = (*self.data_version(), *extra_key)
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._values[name] = (version, value)
        return value

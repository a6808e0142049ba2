"""A small cache for expensive page parts (insights), invalidated whenever the journal changes.

The key is the journal's data version (:mod:`kratom_journal.store.versioning`), so
a change written by the command line in another process invalidates it too;
writes through the web app also bump a counter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from kratom_journal.store.journal import Journal
from kratom_journal.store.versioning import data_version

T = TypeVar("T")


class PageCache:
    """Values computed from the whole journal, kept until the journal changes."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._generation = 0
        self._values: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._flights: dict[str, threading.RLock] = {}

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._values.clear()

    def data_version(self) -> tuple[Any, ...]:
        with self._journal.reading() as session:
            return (self._generation, data_version(session))

    def get(self, name: str, compute: Callable[[], T], *extra_key: Any) -> T:
        """The value of ``name`` for the journal's data now, computed once however many
        requests ask at the same time (the others wait for it: single-flight)."""
        version = (*self.data_version(), *extra_key)
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
            flight = self._flights.setdefault(name, threading.RLock())
        with flight:
            with self._lock:
                hit = self._values.get(name)
                if hit is not None and hit[0] == version:
                    return hit[1]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._values[name] = (version, value)
        return value

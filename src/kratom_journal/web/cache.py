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


REFRESH_WAIT_SECONDS = 0.5
"""How long a page waits for results of the newest data before showing the latest ones."""


class PageCache:
    """Values computed from the whole journal, kept until the journal changes."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._generation = 0
        self._values: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._flights: dict[str, threading.RLock] = {}
        self._refreshing: dict[str, threading.Event] = {}

    def invalidate(self) -> None:
        # Values stay as the latest results (see ``get(..., wait=...)``); keys no longer match.
        with self._lock:
            self._generation += 1

    def data_version(self) -> tuple[Any, ...]:
        with self._journal.reading() as session:
            return (self._generation, data_version(session))

    def get(
        self, name: str, compute: Callable[[], T], *extra_key: Any, wait: float | None = None
    ) -> T:
        """The value of ``name`` for the journal's data now, computed once however many
        requests ask at the same time (the others wait for it: single-flight).

        With ``wait`` (for slow results such as insights, never for safety), a value
        computed from earlier data is shown when the newest one takes longer than
        ``wait`` seconds; one computation runs in the background meanwhile, so a burst
        of writes costs one computation at a time, not one per write and request.
        """
        version = (*self.data_version(), *extra_key)
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
            if wait is not None and hit is not None:
                refreshed = self._refresh(name, version, compute)
            else:
                refreshed = None
                flight = self._flights.setdefault(name, threading.RLock())
        if refreshed is not None:
            refreshed.wait(wait)
            with self._lock:
                return self._values[name][1]  # type: ignore[no-any-return]
        with flight:
            with self._lock:
                hit = self._values.get(name)
                if hit is not None and hit[0] == version:
                    return hit[1]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._values[name] = (version, value)
        return value

    def _refresh(
        self, name: str, version: tuple[Any, ...], compute: Callable[[], T]
    ) -> threading.Event:
        """The computation of ``name`` under way, started now if none is (called locked)."""
        running = self._refreshing.get(name)
        if running is not None:
            return running
        done = threading.Event()
        self._refreshing[name] = done

        def work() -> None:
            try:
                value = compute()
                with self._lock:
                    self._values[name] = (version, value)
            finally:
                with self._lock:
                    self._refreshing.pop(name, None)
                done.set()

        threading.Thread(target=work, name=f"refresh-{name}", daemon=True).start()
        return done

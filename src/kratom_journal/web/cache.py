"""A small cache for expensive page parts (insights), invalidated whenever the journal changes.

The key is the journal's data version (:mod:`kratom_journal.store.versioning`), so
a change written by the command line in another process invalidates it too;
writes through the web app also bump a counter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kratom_journal.store.journal import Journal
from kratom_journal.store.versioning import data_version

T = TypeVar("T")


REFRESH_WAIT_SECONDS = 0.5
"""How long a page that starts a recomputation waits for it before showing the latest results."""
REFRESH_GAP_SHARE = 1.0
"""The pause between the end of one background recomputation and the start of the next,
as a share of how long the last one took: a stream of writes leaves at least half the
CPU to the pages instead of recomputing without pause."""


class PageCache:
    """Values computed from the whole journal, kept until the journal changes."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._generation = 0
        self._values: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._flights: dict[str, threading.RLock] = {}
        self._refreshing: dict[str, threading.Event] = {}
        self._next_refresh: dict[str, float] = {}
        """The earliest ``time.monotonic()`` the next recomputation of a name may start."""

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
        computed from earlier data is shown (see :meth:`updating`) while the newest one
        is computed in the background: the page that sets it going waits up to ``wait``
        seconds for it, the others not at all. One computation runs at a time, with a
        pause as long as the last one took between two, so a
        stream of writes costs a computation now and then, not one per write.
        """
        version = (*self.data_version(), *extra_key)
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
            if wait is not None and hit is not None:
                started_now = name not in self._refreshing
                refreshed = self._refresh(name, extra_key, compute)
            else:
                refreshed = None
                flight = self._flights.setdefault(name, threading.RLock())
        if refreshed is not None:
            # Only the page that set a recomputation going waits (a little) for it; the
            # others show the latest results at once, marked as updating.
            if started_now:
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

    def updating(self, name: str) -> bool:
        """Whether the results of ``name`` shown now are being recomputed for newer data."""
        with self._lock:
            return name in self._refreshing

    def _refresh(
        self, name: str, extra_key: tuple[Any, ...], compute: Callable[[], T]
    ) -> threading.Event:
        """The recomputation of ``name`` under way or due, set going now if none is
        (called locked). It starts after a pause (:data:`REFRESH_GAP_SHARE`) since
        the last one and reads the data version as it starts, so writes arriving
        meanwhile are included."""
        running = self._refreshing.get(name)
        if running is not None:
            return running
        done = threading.Event()
        self._refreshing[name] = done
        delay = max(0.0, self._next_refresh.get(name, 0.0) - time.monotonic())

        def work() -> None:
            try:
                if delay:
                    time.sleep(delay)
                started = time.monotonic()
                version = (*self.data_version(), *extra_key)
                value = compute()
                took = time.monotonic() - started
                with self._lock:
                    self._values[name] = (version, value)
                    self._next_refresh[name] = time.monotonic() + REFRESH_GAP_SHARE * took
            finally:
                with self._lock:
                    self._refreshing.pop(name, None)
                done.set()

        threading.Thread(target=work, name=f"refresh-{name}", daemon=True).start()
        return done

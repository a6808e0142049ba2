"""Derived results cached in the journal itself, recomputed only when its data change.

Insights over years of data take a second or two; a report, the web pages and
``kj analyze`` all show the same ones. The cache survives between processes and
is invalidated by :func:`~kratom_journal.store.versioning.data_version`, which
any write (from any process) moves on.

Within a process the computation is single-flight: threads asking for the same
result of the same data version wait for the one computing it, so a burst of
requests after a write computes it once. A journal served by the web app keeps
its results in memory only (:func:`keep_in_memory`): reading a page never writes;
once it has a result, a page waits at most ``REFRESH_WAIT_SECONDS`` for that of the
newest data (computed once, in the background) before showing the latest one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kratom_journal.store.analysis_cache import fresh_payload, save_payload
from kratom_journal.store.journal import Journal

_in_memory_only: weakref.WeakSet[Journal] = weakref.WeakSet()
_guard = threading.Lock()


class _Flights:
    """One journal's computations under way and their latest results, by name."""

    def __init__(self) -> None:
        self.locks: dict[str, threading.Lock] = {}
        self.results: dict[str, tuple[str, dict[str, Any]]] = {}
        self.refreshing: dict[str, threading.Event] = {}


REFRESH_WAIT_SECONDS = 0.5
"""How long a served page waits for results of the newest data before showing the latest."""


_by_journal: weakref.WeakKeyDictionary[Journal, _Flights] = weakref.WeakKeyDictionary()


def keep_in_memory(journal: Journal) -> None:
    """Never write ``journal``'s cache table: its readers (a web app) keep results in memory."""
    _in_memory_only.add(journal)


def cached(journal: Journal, name: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The JSON-ready result ``compute()`` gave for the journal's current data."""
    version, payload = fresh_payload(journal, name)
    if payload is not None:
        return payload
    with _guard:
        flights = _by_journal.setdefault(journal, _Flights())
        flight = flights.locks.setdefault(name, threading.Lock())
        remembered = flights.results.get(name)
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    if journal in _in_memory_only and remembered is not None:
        return _latest(flights, name, version, compute)
    with flight:
        remembered = flights.results.get(name)
        if remembered is not None and remembered[0] == version:
            return remembered[1]
        payload = compute()
        flights.results[name] = (version, payload)
    if journal not in _in_memory_only:
        save_payload(journal, name, version, payload, datetime.now(UTC))
    return payload


def _latest(
    flights: _Flights, name: str, version: str, compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """For a served journal: the newest result, waiting at most ``REFRESH_WAIT_SECONDS``
    for the one computation (in the background) of the current data."""
    with _guard:
        done = flights.refreshing.get(name)
        if done is None:
            done = flights.refreshing[name] = threading.Event()

            def work() -> None:
                try:
                    flights.results[name] = (version, compute())
                finally:
                    with _guard:
                        flights.refreshing.pop(name, None)
                    done.set()

            threading.Thread(target=work, name=f"refresh-{name}", daemon=True).start()
    done.wait(REFRESH_WAIT_SECONDS)
    return flights.results[name][1]

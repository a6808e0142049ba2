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

from kratom_journal.store.analysis_cache import fresh_payload, save_payload
from kratom_journal.store.journal import Journal


def cached(journal: Journal, name: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The JSON-ready result ``compute()`` gave for the journal's current data."""
    version, payload = fresh_payload(journal, name)
    if payload is not None:
        return payload
    payload = compute()
    save_payload(journal, name, version, payload, datetime.now(UTC))
    return payload

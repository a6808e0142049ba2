"""Writes that happen once per idempotency key, whatever repeats the request.

A form carries a key drawn with the page; an API client sends the
``Idempotency-Key`` header. A request that repeats a key (a double tap, a browser
resending a form, a client retrying after a lost answer) gets the entry the first
one made and writes nothing. Without a key the write simply happens.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kratom_journal.services.entry_views import entry_view
from kratom_journal.store.idempotency import earlier_result, run_once, stored_response
from kratom_journal.store.journal import Journal, StoredEntry, StoreSession

T = TypeVar("T")


def request_hash(request: object) -> str:
    """A stable hash of what a request asked for (a dataclass or dict of its values)."""
    data = (
        dataclasses.asdict(request)
        if dataclasses.is_dataclass(request) and not isinstance(request, type)
        else request
    )
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def keyed_write(
    journal: Journal,
    key: str | None,
    scope: str,
    request: object,
    prepare: Callable[[], T],
    write: Callable[[StoreSession, T], StoredEntry],
    now: datetime | None = None,
) -> StoredEntry:
    """Prepare (validate) and write once per ``key``; a repeated key returns the first entry.

    The earlier result is looked up before ``prepare`` runs, so a repeated request
    is never asked a question the first one already answered (such as "log the
    same dose again?").
    """
    if key is None:
        item = prepare()
        with journal.session() as session:
            return write(session, item)
    hashed = request_hash(request)
    earlier = earlier_result(journal, key, scope, hashed)
    if earlier is not None and earlier.entry_id is not None:
        return journal.entries.get(earlier.entry_id)
    item = prepare()
    made: list[StoredEntry] = []

    def once(session: StoreSession) -> tuple[str | None, dict[str, Any] | None]:
        stored = write(session, item)
        made.append(stored)
        return stored.id, entry_view(stored)

    result = run_once(journal, key, scope, hashed, once, now)
    if made and not result.repeated:
        return made[0]
    if result.entry_id is None:  # pragma: no cover - every keyed write makes an entry
        raise LookupError("the earlier request with this key made no entry")
    return journal.entries.get(result.entry_id)


def keyed_response(journal: Journal, key: str) -> dict[str, Any] | None:
    """The answer stored with ``key`` (the first request's; the API repeats it exactly)."""
    return stored_response(journal, key)

"""Running a write once per idempotency key, safely against a twin request racing it.

The key is claimed first, by inserting its row before anything else in the
write's transaction: a twin request with the same key then waits for the first
to commit (SQLite's write lock, PostgreSQL's unique index), fails on the
primary key, and reads what the first one stored instead of writing again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.store.idempotency_tables import IdempotencyKeyRow
from kratom_journal.store.journal import Journal, utc_now

KEPT_FOR = timedelta(days=30)
"""Keys older than this are forgotten (a retry comes within minutes, not months)."""

MAX_KEY_LENGTH = 300


class KeyReused(InvalidInput):
    """A key already made a different request (a client bug, never a person's mistake)."""


@dataclass(frozen=True, slots=True)
class KeyedResult:
    """What a keyed write made: the entry's id and the answer given, and whether it was earlier."""

    entry_id: str | None
    response: dict[str, Any] | None
    repeated: bool


def earlier_result(journal: Journal, key: str, scope: str, request_hash: str) -> KeyedResult | None:
    """What an earlier request with ``key`` made, or ``None`` when the key is new."""
    with journal.session() as session:
        row = session.get(IdempotencyKeyRow, key)
        return None if row is None else _repeat(row, scope, request_hash)


def stored_response(journal: Journal, key: str) -> dict[str, Any] | None:
    """The answer stored with ``key``, if any."""
    with journal.session() as session:
        row = session.get(IdempotencyKeyRow, key)
        return None if row is None else row.response


def _repeat(row: IdempotencyKeyRow, scope: str, request_hash: str) -> KeyedResult:
    if row.scope != scope or row.request_hash != request_hash:
        raise KeyReused(
            "this Idempotency-Key was already used for a different request; "
            "send a new key for a new request"
        )
    return KeyedResult(row.entry_id, row.response, True)


Write = Callable[[Session], tuple[str | None, dict[str, Any] | None]]
"""Makes the write inside the caller's transaction; returns the entry id and the answer."""


def run_once(
    journal: Journal,
    key: str,
    scope: str,
    request_hash: str,
    write: Write,
    now: datetime | None = None,
) -> KeyedResult:
    """Run ``write`` unless a request with ``key`` already ran it; return what the first made."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"an idempotency key has 1 to {MAX_KEY_LENGTH} characters")
    moment = now or utc_now()
    try:
        with journal.session() as session:
            row = IdempotencyKeyRow(
                key=key, scope=scope, request_hash=request_hash, created_at_utc=moment
            )
            session.add(row)
            session.flush()  # the claim comes first: a twin request waits here
            session.execute(
                delete(IdempotencyKeyRow).where(
                    IdempotencyKeyRow.created_at_utc < moment - KEPT_FOR
                )
            )
            entry_id, response = write(session)
            row.entry_id, row.response = entry_id, response
            return KeyedResult(entry_id, response, False)
    except IntegrityError:
        found = earlier_result(journal, key, scope, request_hash)
        if found is None:
            raise
        return found

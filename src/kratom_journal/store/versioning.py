"""The journal's data version: a counter that every write moves on, for caches of derived results.

Insights, the report and the web pages cache results computed from the whole
journal. The cache key must change whenever anything they read changes, from
any process and through any code path, so the counter is bumped by the engine
itself: :func:`watch_writes` listens to every SQL statement the journal's engine
runs, and the first INSERT, UPDATE or DELETE of a transaction on any journal
table adds one to ``journal_changes.counter`` in the same transaction (a rolled
back write moves nothing). Only the cache's own table and the counter are not
watched, so a new table can never be forgotten.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, Integer, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.tenancy import scope_key

UNWATCHED_TABLES = frozenset({"analysis_cache", "journal_changes", "alembic_version"})
"""Tables whose writes do not change the data (the caches themselves, the counter)."""

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)"
    r"\s+[\"`]?(?P<table>\w+)",
    re.IGNORECASE,
)
_BUMPED = "kj_version_bumped"
MIGRATING = "kj_migrating"
"""``Connection.info`` key set while migrations run (the counter may not exist yet)."""


class JournalChangesRow(Base):
    """A single row whose counter moves on with every transaction that writes data."""

    __tablename__ = "journal_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, else ``None``.

    >>> written_table('INSERT INTO doses (id) VALUES (?)')
    'doses'
    >>> written_table('UPDATE "settings" SET value=?') , written_table('SELECT 1')
    ('settings', None)
    """
    match = _WRITE.match(statement)
    return match.group("table").lower() if match else None


def _after_execute(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    if conn.info.get(_BUMPED) or conn.info.get(MIGRATING):
        return
    table = written_table(statement)
    if table is None or table in UNWATCHED_TABLES:
        return
    bump = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        bump.execute("UPDATE journal_changes SET counter = counter + 1 WHERE id = 1")
    finally:
        bump.close()
    conn.info[_BUMPED] = True


def _transaction_ends(conn: Connection, *_: Any) -> None:
    conn.info.pop(_BUMPED, None)


def watch_writes(engine: Engine) -> None:
    """Bump the data version on the first data write of every transaction on ``engine``."""
    event.listen(engine, "after_cursor_execute", _after_execute)
    for name in ("begin", "commit", "rollback"):
        event.listen(engine, name, _transaction_ends)


def data_version(session: Session) -> str:
    """A text that differs whenever the journal's data or settings differ."""
    counter = session.scalar(select(JournalChangesRow.counter).where(JournalChangesRow.id == 1))
    if counter is None:  # a damaged journal: never let a cache match
        return f"unversioned-{uuid.uuid4().hex}"
    # On a server every person's counter starts at 0: the view is part of the version,
    # so a cache never hands one person's result to another.
    scope = scope_key()
    return f"v{counter}" if scope is None else f"{scope}:v{counter}"

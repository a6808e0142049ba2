"""Whose data a transaction may see, on a server that holds many people's journals.

On the server every journal table carries an ``owner_id`` and PostgreSQL's row-level
security shows a transaction only the rows of ``app.subject_id``, and only when that
is ``app.user_id`` itself or someone who granted ``app.user_id`` access (see
:mod:`kratom_journal.store.server.rls`). This module sets the two values: the face
says who is acting (:func:`acting_as`, a context variable that follows a request into
the threads it runs in) and :func:`scope_transactions` makes every transaction on the
engine start with ``SET LOCAL`` of both. A transaction without a scope sets them empty,
and empty values match no row: forgetting to say who is acting shows nothing.

A local journal never uses this module; its engine has no such hook.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event


@dataclass(frozen=True, slots=True)
class Scope:
    """Who acts (``user_id``) and whose data they look at (``subject_id``)."""

    user_id: uuid.UUID
    subject_id: uuid.UUID

    @property
    def viewing_other(self) -> bool:
        """Reading another person's data through a grant: such a transaction writes nothing."""
        return self.user_id != self.subject_id

    @property
    def key(self) -> str:
        """A short text naming this view, for caches kept per person (never shared by views)."""
        text = f"{self.user_id}>{self.subject_id}"
        return hashlib.sha256(text.encode()).hexdigest()[:24]


_ACTING: ContextVar[Scope | None] = ContextVar("kj_acting", default=None)


def current_scope() -> Scope | None:
    """The scope of the code running now (``None`` outside the server)."""
    return _ACTING.get()


@contextmanager
def acting_as(user_id: uuid.UUID, subject_id: uuid.UUID | None = None) -> Iterator[Scope]:
    """Run the block as ``user_id``, looking at ``subject_id``'s data (their own by default)."""
    scope = Scope(user_id, subject_id or user_id)
    token = _ACTING.set(scope)
    try:
        yield scope
    finally:
        _ACTING.reset(token)


@contextmanager
def as_nobody() -> Iterator[None]:
    """Run the block with no person at all (sign-in, health checks): no journal row is visible."""
    token = _ACTING.set(None)
    try:
        yield
    finally:
        _ACTING.reset(token)


def _begin(conn: Connection) -> None:
    scope = _ACTING.get()
    user = str(scope.user_id) if scope else ""
    subject = str(scope.subject_id) if scope else ""
    conn.exec_driver_sql(
        "SELECT set_config('app.user_id', %(user)s, true), "
        "set_config('app.subject_id', %(subject)s, true)",
        {"user": user, "subject": subject},
    )


def scope_transactions(engine: Engine) -> None:
    """Make every transaction on ``engine`` begin with the current scope (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        raise ValueError("per-person scopes need PostgreSQL")
    event.listen(engine, "begin", _begin)


def scope_key() -> str | None:
    """The current scope's cache key, or ``None`` for a local journal."""
    scope = _ACTING.get()
    return scope.key if scope else None

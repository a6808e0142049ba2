"""Idempotency keys: which write a repeated form or API request already made.

A form carries a key made when the page was drawn; an API client sends the
``Idempotency-Key`` header. The first request with a key stores its entry and its
answer here in the same transaction as the write, so a repeated request (a double
tap, a client retrying after a lost response) gets the first answer back and
writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class IdempotencyKeyRow(Base):
    """One request key, what it asked for (a hash) and what it made."""

    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

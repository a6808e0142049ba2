"""Where a local journal shares to: each server it pushes to, and how far it has pushed.

A share is made with ``kj share --server URL --code INVITE``. The token authenticates
the journal to that server; the marks say what was sent last (the entry history's
last row, the newest questionnaire and adherence log), so a sync sends each change
once. The local journal stays the primary copy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class ShareLinkRow(Base):
    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))
    """``study`` or ``clinician``."""
    token: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    pseudonym: Mapped[str | None] = mapped_column(String(16), nullable=True)
    areas: Mapped[str] = mapped_column(Text)
    """Comma-separated areas the share covers (what the consent or the invite named)."""
    experiment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    since_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """A study receives only what was recorded from the day of consent on."""
    entries_mark: Mapped[int] = mapped_column(Integer, default=0)
    questionnaires_mark: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    adherence_mark: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    last_synced_at_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    stopped_at_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

"""Tables for questionnaire administrations (PHQ-9, GAD-7, SOWS, the kratom self-check, ...).

An administration keeps the raw answers, so a score can always be recomputed,
and the score as it was shown. A user-supplied instrument's definition is
stored with its administrations, so they stay readable without the file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class AdministrationRow(Base):
    """One completed questionnaire."""

    __tablename__ = "questionnaire_administrations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_as_of: Mapped[str] = mapped_column(String(10))
    administered_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    administered_at_offset_s: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    band: Mapped[str | None] = mapped_column(String(64), nullable=True)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    crisis_shown: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The crisis resources shown with a crisis answer, as shown (``None``: none shown)."""
    __table_args__ = (
        Index(
            "ix_questionnaire_administrations_instrument", "instrument_id", "administered_at_utc"
        ),
    )

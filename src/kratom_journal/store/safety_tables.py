"""Tables of the safety area: medicines a person declares once for interaction checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class DeclaredMedicineRow(Base):
    """A regular medicine or substance the person takes; removal only sets ``removed_at_utc``."""

    __tablename__ = "declared_medicines"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200), index=True)
    daily: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    removed_at_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

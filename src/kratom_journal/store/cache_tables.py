"""Derived results kept between runs (insights), each tagged with the data version it used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class AnalysisCacheRow(Base):
    """One cached result; stale as soon as the journal's data version moves on."""

    __tablename__ = "analysis_cache"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    computed_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)

"""Tables for randomized self-experiments and their daily adherence log.

Instants are aware UTC in Python and naive UTC in the database, like the core tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class ExperimentRow(Base):
    """One experiment: its plan, and once started the frozen schedule and its SHA-256 hash."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    plan_json: Mapped[str] = mapped_column(Text)
    schedule_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    frozen_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    stop_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ExperimentLogRow(Base):
    """Whether the scheduled condition was followed on one day."""

    __tablename__ = "experiment_logs"
    __table_args__ = (UniqueConstraint("experiment_id", "day", name="uq_experiment_log_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    followed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime())

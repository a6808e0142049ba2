"""Core journal tables. Every instant is stored as UTC plus its original UTC offset.

Entries are never overwritten silently: each change writes a row to
``entry_revisions`` with the state after the change, and deletes only set
``deleted_at_utc`` so that a deleted entry can be restored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base
from kratom_journal.store.types import UtcDateTime


class EntryColumns:
    """Columns every entry table shares: identity, versioning and soft deletion."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    source: Mapped[str] = mapped_column(String(64), default="manual")
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DoseRow(EntryColumns, Base):
    __tablename__ = "doses"
    taken_at_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    taken_at_offset_s: Mapped[int] = mapped_column(Integer)
    substance: Mapped[str] = mapped_column(String(128), index=True)
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(32), nullable=True)
    strain: Mapped[str | None] = mapped_column(String(200), nullable=True)
    strain_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    product: Mapped[str | None] = mapped_column(String(200), nullable=True)
    grams_per_capsule: Mapped[float | None] = mapped_column(Float, nullable=True)


class SleepDiaryRow(EntryColumns, Base):
    __tablename__ = "sleep_diary"
    night: Mapped[date] = mapped_column(Date, index=True)
    bed_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    bed_at_offset_s: Mapped[int] = mapped_column(Integer)
    tried_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    tried_at_offset_s: Mapped[int] = mapped_column(Integer)
    sol_min: Mapped[int] = mapped_column(Integer)
    awakenings: Mapped[int] = mapped_column(Integer)
    waso_min: Mapped[int] = mapped_column(Integer)
    final_wake_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    final_wake_at_offset_s: Mapped[int] = mapped_column(Integer)
    out_of_bed_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    out_of_bed_at_offset_s: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(Integer)
    nap_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nap_min: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MoodRow(EntryColumns, Base):
    __tablename__ = "mood_checkins"
    at_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    at_offset_s: Mapped[int] = mapped_column(Integer)
    mood: Mapped[int] = mapped_column(Integer)
    anxiety: Mapped[int | None] = mapped_column(Integer, nullable=True)
    energy: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SideEffectRow(EntryColumns, Base):
    __tablename__ = "side_effects"
    at_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    at_offset_s: Mapped[int] = mapped_column(Integer)
    symptom: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(Integer)


class RevisionRow(Base):
    """One change to an entry, with the entry's state after it (``None`` data never)."""

    __tablename__ = "entry_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    changed_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    __table_args__ = (Index("ix_entry_revisions_entry", "entry_id", "version"),)


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


ENTRY_TABLES: dict[str, type[Any]] = {
    "dose": DoseRow,
    "sleep": SleepDiaryRow,
    "mood": MoodRow,
    "side-effect": SideEffectRow,
}

# The modules that add tables of their own, imported here so that migrations and
# tests see one metadata with every table.
from kratom_journal.store import (  # noqa: E402
    cache_tables,
    experiment_tables,
    idempotency_tables,
    instrument_tables,
    safety_tables,
    versioning,
    wearable_tables,
)

TABLE_MODULES = (
    instrument_tables,
    safety_tables,
    wearable_tables,
    experiment_tables,
    cache_tables,
    idempotency_tables,
    versioning,
)
metadata: MetaData = Base.metadata

__all__ = ["metadata"]

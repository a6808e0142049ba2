"""Tables for wearable imports: sources, raw samples, derived nights, import runs,
saved CSV column maps.

Raw samples keep their source (app or device name, version, device description),
their instants in UTC milliseconds and the UTC offset the device wrote, so nights
can always be derived again. A sample's primary key is a 63-bit hash of its
content, which makes importing the same data twice a no-op.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kratom_journal.store.db import Base


class WearableSource(Base):
    """An app or device that recorded samples, as named in an export."""

    __tablename__ = "wearable_source"
    __table_args__ = (UniqueConstraint("vendor", "name", "version", "device"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100), default="")
    device: Mapped[str] = mapped_column(String(1000), default="")


class WearableImport(Base):
    """One run of an import: which file (by content hash) and what it added."""

    __tablename__ = "wearable_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    records_read: Mapped[int] = mapped_column(Integer, default=0)
    samples_added: Mapped[int] = mapped_column(Integer, default=0)
    nights: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    tag_digests: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """Packed 64-bit digests of the raw records read (Apple Health), for fast re-imports."""
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The IANA zone times without an offset were read in (``None``: the export has offsets)."""
    zone_from: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """Where that zone came from: ``option`` (``--zone``), ``setting`` or ``system`` (a guess)."""


class WearableSample(Base):
    """One raw sample: a sleep stage span, a summary, or a heart/breathing reading.

    The primary key is the start instant plus a 64-bit hash of the sample's content,
    so samples are stored in time order (SQLite: a WITHOUT ROWID table clustered on
    that key), inserts of an export's time-ordered runs stay local, and reading the
    samples of a few nights is one range scan.
    """

    __tablename__ = "wearable_sample"
    __table_args__ = {"sqlite_with_rowid": False}

    start_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("wearable_source.id"))
    kind: Mapped[str] = mapped_column(String(24))
    """``sleep``, ``summary`` or a metric name such as ``heart_rate``."""
    stage: Mapped[str | None] = mapped_column(String(24), nullable=True)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    start_offset_min: Mapped[int] = mapped_column(Integer)
    end_offset_min: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    """JSON for summaries: stage seconds and awakenings."""
    import_id: Mapped[int | None] = mapped_column(ForeignKey("wearable_import.id"), nullable=True)


class WearableNight(Base):
    """One source's derived night; ``chosen`` marks the one used for the date."""

    __tablename__ = "wearable_night"
    __table_args__ = (UniqueConstraint("night", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    night: Mapped[date] = mapped_column(Date, index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("wearable_source.id"))
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    tier: Mapped[int] = mapped_column(Integer)
    bed_ms: Mapped[int] = mapped_column(BigInteger)
    bed_offset_min: Mapped[int] = mapped_column(Integer)
    out_ms: Mapped[int] = mapped_column(BigInteger)
    out_offset_min: Mapped[int] = mapped_column(Integer)
    time_in_bed_min: Mapped[float] = mapped_column(Float)
    total_sleep_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    sleep_onset_latency_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    waso_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    awakenings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    staged: Mapped[bool] = mapped_column(Boolean, default=False)
    awake_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    light_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    deep_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    rem_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    unspecified_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    heart_rate_mean: Mapped[float | None] = mapped_column(Float, nullable=True)
    heart_rate_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    hrv_sdnn_mean: Mapped[float | None] = mapped_column(Float, nullable=True)
    hrv_rmssd_mean: Mapped[float | None] = mapped_column(Float, nullable=True)
    respiratory_rate_mean: Mapped[float | None] = mapped_column(Float, nullable=True)
    sleep_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    samples: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(32))


class WearableCsvProfile(Base):
    """A named column map for ``kj import sleep-csv`` (which column holds what)."""

    __tablename__ = "wearable_csv_profile"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    columns: Mapped[str] = mapped_column(Text)
    """The map as ``--map`` takes it (``start=Bedtime,end=Wake up,…``)."""
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

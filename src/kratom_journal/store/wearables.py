"""Storage of wearable data: sources, import runs and raw samples.

Samples are written with the dialect's ``INSERT … ON CONFLICT DO NOTHING`` on
their primary key (start instant, content hash), so saving the same sample twice
is a no-op on SQLite and PostgreSQL alike. Every function takes the session of
the caller's transaction; nothing here commits. Derived nights are stored by
:mod:`kratom_journal.store.wearable_nights`.
"""

from __future__ import annotations

import hashlib
import json
import operator
import struct
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlalchemy import Insert, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kratom_journal.sleep.nights import MetricIndex
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    Record,
    SleepSample,
    SleepSummary,
    SourceRef,
    Stage,
)
from kratom_journal.store.db import Base
from kratom_journal.store.journal import StoreSession as StoreSession
from kratom_journal.store.tables import SettingRow
from kratom_journal.store.types import from_ms, offset_seconds, to_ms
from kratom_journal.store.wearable_batches import RUNNING
from kratom_journal.store.wearable_tables import WearableImport, WearableSample, WearableSource

LOOKUP_CHUNK = 500
"""Values per ``IN`` list: well under every database's limit on bound parameters."""


def insert_ignoring_duplicates(session: Session, table: type[Base]) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` in the dialect of the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


# ------------------------------------------------------------------ sources


class SourceIds:
    """Source rows by :class:`SourceRef`, created on first sight."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._ids: dict[SourceRef, int] = {}
        self.refs: dict[int, SourceRef] = {}
        self._last_ref: SourceRef | None = None
        self._last_id = 0
        for row in session.execute(select(WearableSource.__table__)):
            ref = SourceRef(row.vendor, row.name, row.version or None, row.device or None)
            self._ids[ref] = row.id
            self.refs[row.id] = ref

    def using(self, session: Session) -> SourceIds:
        """The same ids, adding new sources in ``session`` from now on (one import's
        next transaction)."""
        self._session = session
        return self

    def id(self, ref: SourceRef) -> int:
        """The id of ``ref``'s row, adding the row when the source is new."""
        # Parsers reuse one SourceRef object per source, so identity is a cheap first test.
        if ref is self._last_ref:
            return self._last_id
        found = self._ids.get(ref)
        if found is None:
            row = WearableSource(
                vendor=ref.vendor[:40],
                name=ref.name[:200],
                version=(ref.version or "")[:100],
                device=(ref.device or "")[:1000],
            )
            self._session.add(row)
            self._session.flush()
            found = row.id
            self._ids[ref] = found
            self.refs[found] = ref
        else:
            self._last_ref, self._last_id = ref, found
        return found

    def ids_by_ref(self) -> dict[SourceRef, int]:
        """Every known source's id, by source."""
        return {ref: source_id for source_id, ref in self.refs.items()}


# -------------------------------------------------------------- import runs


@dataclass(frozen=True, slots=True)
class ImportRun:
    """What an earlier import of a file recorded."""

    id: int
    nights: int
    zone: str | None = None
    zone_from: str | None = None


def previous_import(session: Session, source: str, file_sha256: str) -> ImportRun | None:
    """The latest finished import of a file with this content hash from ``source``, if any."""
    row = (
        session.execute(
            select(WearableImport)
            .where(
                WearableImport.source == source,
                WearableImport.file_sha256 == file_sha256,
                WearableImport.records_read != RUNNING,
            )
            .order_by(WearableImport.id.desc())
        )
        .scalars()
        .first()
    )
    return None if row is None else ImportRun(row.id, row.nights, row.zone, row.zone_from)


def start_import(
    session: Session,
    source: str,
    file_name: str,
    file_sha256: str,
    size: int,
    zone: str | None = None,
    zone_from: str | None = None,
) -> int:
    """Record the start of an import run; returns its id (for the samples it adds).

    ``zone`` is the zone times without an offset are read in, ``zone_from`` where it
    came from (``option``, ``setting`` or ``system``). The run is marked under way
    until :func:`finish_import`.
    """
    run = WearableImport(
        records_read=RUNNING,
        source=source,
        file_name=file_name[:500],
        file_sha256=file_sha256,
        file_size=size,
        imported_at=datetime.now(UTC),
        zone=zone,
        zone_from=zone_from,
    )
    session.add(run)
    session.flush()
    return run.id


def finish_import(
    session: Session,
    run_id: int,
    *,
    records_read: int,
    samples_added: int,
    nights: int,
    skipped: int,
    tag_digests: array[int] | None,
) -> None:
    """Record what an import run did."""
    session.execute(
        update(WearableImport)
        .where(WearableImport.id == run_id)
        .values(
            records_read=records_read,
            samples_added=samples_added,
            nights=nights,
            skipped=skipped,
            tag_digests=tag_digests.tobytes() if tag_digests else None,
        )
    )


def remembered_tags(session: Session, source: str) -> Iterator[array[int]]:
    """The packed record digests each earlier import of ``source`` kept (Apple Health)."""
    rows = session.execute(
        select(WearableImport.tag_digests).where(
            WearableImport.source == source, WearableImport.tag_digests.is_not(None)
        )
    ).scalars()
    for blob in rows:
        packed = array("q")
        if blob:
            packed.frombytes(blob)
        yield packed


def stored_setting(session: Session, key: str) -> str | None:
    """A journal setting read inside the caller's transaction."""
    row = session.get(SettingRow, key)
    return row.value if row is not None else None


# ------------------------------------------------------------------ samples


class SampleRow(TypedDict):
    """One ``wearable_sample`` row: a sample's content and its storage key.

    A plain dict at run time, so that hundreds of thousands of rows go to the
    database driver without being converted.
    """

    key: int
    source_id: int
    kind: str
    stage: str | None
    start_ms: int
    end_ms: int
    start_offset_min: int
    end_offset_min: int
    value: float | None
    detail: str | None
    import_id: int | None


_KEY = struct.Struct(">qBBqqd")
_KIND_CODES = {"sleep": 1, "summary": 2, **{m.value: 10 + i for i, m in enumerate(Metric)}}
_STAGE_CODES = {stage.value: i + 1 for i, stage in enumerate(Stage)}
_METRICS = {m.value: m for m in Metric}


def sample_key(
    source_id: int,
    kind: str,
    stage: str | None,
    start: int,
    end: int,
    value: float | None,
    detail: str | None,
) -> int:
    """A 63-bit content hash: the same sample always gets the same key.

    >>> sample_key(1, "sleep", "deep", 0, 60_000, None, None) == sample_key(
    ...     1, "sleep", "deep", 0, 60_000, None, None)
    True
    """
    key = _KEY.pack(
        source_id, _KIND_CODES[kind], _STAGE_CODES.get(stage or "", 0), start, end, value or 0.0
    )
    if detail:
        key += detail.encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


def sample_row(
    source_id: int,
    kind: str,
    stage: str | None,
    start_ms: int,
    end_ms: int,
    start_offset_min: int,
    end_offset_min: int,
    value: float | None,
    detail: str | None,
    import_id: int | None = None,
) -> SampleRow:
    """A row with its content key computed."""
    return {
        "key": sample_key(source_id, kind, stage, start_ms, end_ms, value, detail),
        "source_id": source_id,
        "kind": kind,
        "stage": stage,
        "start_ms": start_ms,
        "end_ms": end_ms,
        "start_offset_min": start_offset_min,
        "end_offset_min": end_offset_min,
        "value": value,
        "detail": detail,
        "import_id": import_id,
    }


def row_of_record(record: Record, source_id: int, import_id: int | None) -> SampleRow:
    """The storage row of a parsed sample."""
    start_at, end_at = record.start, record.end
    start, start_off = to_ms(start_at), offset_seconds(start_at) // 60
    if end_at is start_at:  # instantaneous readings share one datetime
        end, end_off = start, start_off
    else:
        end, end_off = to_ms(end_at), offset_seconds(end_at) // 60
    detail: str | None = None
    value: float | None = None
    stage: str | None = None
    if isinstance(record, MetricSample):
        kind, value = record.metric.value, record.value
    elif isinstance(record, SleepSample):
        kind, stage = "sleep", record.stage.value
    else:
        kind = "summary"
        detail = json.dumps(
            {
                "stage_seconds": {s.value: n for s, n in record.stage_seconds},
                "awakenings": record.awakenings,
            },
            sort_keys=True,
        )
    return sample_row(
        source_id, kind, stage, start, end, start_off, end_off, value, detail, import_id
    )


def sample_span(session: Session) -> tuple[int, int] | None:
    """The first and last start (UTC milliseconds) of the stored samples, if any."""
    table = WearableSample.__table__
    first, last = session.execute(
        select(func.min(table.c.start_ms), func.max(table.c.start_ms))
    ).one()
    return None if first is None else (int(first), int(last))


def known_sample_keys(session: Session, keys: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the (start_ms, key) pairs, sorted, are stored already."""
    if not keys:
        return set()
    table = WearableSample.__table__
    # A first import into an empty stretch of time needs no per-key check.
    overlapping = session.execute(
        select(table.c.key).where(table.c.start_ms.between(keys[0][0], keys[-1][0])).limit(1)
    ).first()
    if overlapping is None:
        return set()
    wanted = set(keys)
    starts = sorted({start for start, _key in keys})
    known: set[tuple[int, int]] = set()
    for at in range(0, len(starts), LOOKUP_CHUNK):
        # An IN list on the key's first column is a point lookup per value (a
        # row-value IN would scan the table in SQLite).
        found = session.execute(
            select(table.c.start_ms, table.c.key).where(
                table.c.start_ms.in_(starts[at : at + LOOKUP_CHUNK])
            )
        )
        # Other samples may share a start instant; keep only the keys asked about.
        known.update(pair for pair in ((int(s), int(k)) for s, k in found) if pair in wanted)
    return known


_SAMPLE_COLUMNS = (
    "start_ms",
    "key",
    "source_id",
    "kind",
    "stage",
    "end_ms",
    "start_offset_min",
    "end_offset_min",
    "value",
    "detail",
    "import_id",
)
_as_tuple = operator.itemgetter(*_SAMPLE_COLUMNS)
_SQLITE_INSERT = (
    f"INSERT OR IGNORE INTO wearable_sample ({', '.join(_SAMPLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_SAMPLE_COLUMNS))})"
)


def insert_samples(session: Session, rows: Sequence[SampleRow]) -> None:
    """Add the rows; a row whose key is stored already is left as it is."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Hundreds of thousands of rows: one prepared statement and plain tuples, without
        # building SQLAlchemy's parameters for each row.
        connection.exec_driver_sql(_SQLITE_INSERT, list(map(_as_tuple, rows)))
        return
    statement = insert_ignoring_duplicates(session, WearableSample)
    # The connection, not the session: a Core executemany, no ORM bookkeeping per row.
    connection.execute(statement, list(rows))


def window_samples(
    session: Session, sources: SourceIds, start_ms: int, end_ms: int
) -> tuple[list[SleepSample | SleepSummary], MetricIndex]:
    """Sleep samples and metric readings that start in ``[start_ms, end_ms)``."""
    table = WearableSample.__table__
    # Tens of thousands of rows: fetched at once and unpacked, not read row by row.
    rows = (
        session.connection()
        .execute(
            select(
                table.c.source_id,
                table.c.kind,
                table.c.stage,
                table.c.start_ms,
                table.c.end_ms,
                table.c.start_offset_min,
                table.c.end_offset_min,
                table.c.value,
                table.c.detail,
            ).where(table.c.start_ms >= start_ms, table.c.start_ms < end_ms)
        )
        .all()
    )
    sleep: list[SleepSample | SleepSummary] = []
    metric_rows: list[tuple[int, Metric, float]] = []
    for source_id, kind, stage, start_at, end_at, start_offset, end_offset, value, detail in rows:
        metric = _METRICS.get(kind)
        if metric is not None:
            if value is not None:
                metric_rows.append((start_at, metric, float(value)))
            continue
        ref = sources.refs[source_id]
        start = from_ms(start_at, start_offset)
        end = from_ms(end_at, end_offset)
        if kind == "sleep":
            sleep.append(SleepSample(ref, start, end, Stage(stage)))
        elif kind == "summary":
            info = json.loads(detail or "{}")
            seconds = tuple((Stage(k), int(v)) for k, v in info.get("stage_seconds", {}).items())
            sleep.append(SleepSummary(ref, start, end, seconds, info.get("awakenings")))
    return sleep, MetricIndex(metric_rows)


def samples_of_source(session: Session, source_id: int) -> list[SampleRow]:
    """Every stored sample of one source (for the journal's JSON export)."""
    table = WearableSample.__table__
    rows = session.execute(select(table).where(table.c.source_id == source_id))
    return [_sample_of(row._mapping) for row in rows]


def _sample_of(values: Any) -> SampleRow:
    return {
        "key": int(values["key"]),
        "source_id": int(values["source_id"]),
        "kind": str(values["kind"]),
        "stage": values["stage"],
        "start_ms": int(values["start_ms"]),
        "end_ms": int(values["end_ms"]),
        "start_offset_min": int(values["start_offset_min"]),
        "end_offset_min": int(values["end_offset_min"]),
        "value": values["value"],
        "detail": values["detail"],
        "import_id": values["import_id"],
    }


def sources_in_order(sources: SourceIds) -> list[tuple[int, SourceRef]]:
    """Sources in a stable order (by their names), for exports that must not depend on ids."""
    return sorted(
        sources.refs.items(), key=lambda item: tuple(str(v) for v in asdict(item[1]).values())
    )

"""Import wearable exports into the journal and derive nights.

Parsing is streamed and never touches the database; this module saves what the
parsers yield. Everything happens in one transaction: an import that fails or is
killed leaves the journal exactly as it was. Samples are keyed by a hash of their
content, so importing the same data again adds nothing; a file whose content hash
was already imported is recognised before it is parsed at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import time as clock
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.importers import REGISTRY
from kratom_journal.importers import detect_source as _detect
from kratom_journal.importers.apple_health import TagMemory
from kratom_journal.importers.safe_input import InputRejected, progress_sink
from kratom_journal.services.clock import system_zone_name
from kratom_journal.sleep.nights import MetricIndex, choose, derive_nights, parse_priority
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    Night,
    ParseIssue,
    Record,
    SleepSample,
    SleepSummary,
    SourceRef,
    Stage,
    StageMinutes,
)
from kratom_journal.store.wearable_tables import (
    WearableImport,
    WearableNight,
    WearableSample,
    WearableSource,
)

PRIORITY_KEY = "sleep-source-priority"
BATCH = 20_000
MAX_REMEMBERED_TAGS = 600_000
DERIVE_DAYS = 62
"""Nights are derived in windows of this many days so memory stays flat."""

ProgressCallback = Callable[[int, int], None]


class WearableImportError(InvalidInput):
    """An import that could not be done; ``str()`` is one line for the person."""


@dataclass(slots=True)
class ImportSummary:
    """What an import did, for the one-line summary and ``--json`` output."""

    source: str
    file: str
    records_read: int = 0
    samples_added: int = 0
    samples_known: int = 0
    nights_added: int = 0
    nights_updated: int = 0
    nights_unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    already_imported: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def records_skipped(self) -> int:
        return sum(self.skipped.values())

    def line(self) -> str:
        """One line such as ``apple-health: 30 nights added, 0 updated, 2 unchanged; …``."""
        if self.already_imported:
            return (
                f"{self.source}: {self.file} was already imported; nothing changed "
                f"({self.nights_unchanged} nights unchanged)"
            )
        text = (
            f"{self.source}: {self.nights_added} nights added, {self.nights_updated} updated, "
            f"{self.nights_unchanged} unchanged; {self.samples_added} new samples of "
            f"{self.records_read} read"
        )
        if self.skipped:
            reasons = "; ".join(f"{n} × {reason}" for reason, n in sorted(self.skipped.items()))
            text += f"; {self.records_skipped} skipped ({reasons})"
        if self.warnings:
            text += f"; {self.warnings} warnings"
        for note in self.notes:
            text += f"; {note}"
        return text

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["records_skipped"] = self.records_skipped
        return data


def detect_source(path: Path) -> str | None:
    """The registered source a file, folder or archive comes from, or ``None``."""
    try:
        return _detect(Path(path))
    except InputRejected as error:
        raise WearableImportError(str(error)) from None


def sources() -> list[str]:
    """Names accepted by :func:`import_wearable`."""
    return list(REGISTRY)


# ----------------------------------------------------------------- settings


def _setting(journal: Any, key: str) -> str | None:
    settings = getattr(journal, "settings", None)
    if settings is None:
        return None
    try:
        value = settings.get(key)
    except KeyError:
        return None
    return str(value) if value else None


def source_priority(journal: Any) -> tuple[str, ...]:
    """The user's ``sleep-source-priority`` setting, parsed."""
    return parse_priority(_setting(journal, PRIORITY_KEY))


# --------------------------------------------------------------- fingerprint


def fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 of a file's bytes (or of a folder's files and names) and the size read."""
    digest = hashlib.sha256()
    size = 0
    files = (
        [path]
        if path.is_file()
        else sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    )
    for file in files:
        if file != path:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


# ------------------------------------------------------------------- import


def import_wearable(
    journal: Any,
    source: str | None,
    path: Path,
    progress: ProgressCallback | None = None,
    skip_bad: bool = False,
    *,
    on_records: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a wearable export into ``journal`` and derive its nights.

    Parameters
    ----------
    journal
        An open journal (``session()`` and ``settings``).
    source
        A :data:`~kratom_journal.importers.REGISTRY` name, or ``None`` to detect it.
    path
        The export: zip, folder, XML, JSON, CSV or SQLite file.
    progress
        Called with (bytes read, total bytes) as the file is read.
    skip_bad
        Skip unreadable records instead of refusing the whole import.
    on_records
        Called with the number of records read so far.

    Raises
    ------
    WearableImportError
        With one line naming the file, the place in it and the problem; the
        journal is then unchanged.
    """
    path = Path(path)
    if not path.exists():
        raise WearableImportError(f"{path}: no such file or folder")
    name = source or detect_source(path)
    if name is None:
        raise WearableImportError(
            f"{path.name}: cannot tell which app this export comes from; name the source "
            f"(one of {', '.join(REGISTRY)})"
        )
    if name not in REGISTRY:
        raise WearableImportError(f"unknown source {name!r}; expected one of {', '.join(REGISTRY)}")
    started = clock.monotonic()
    digest, size = fingerprint(path)
    summary = ImportSummary(name, path.name)
    # Settings are read before the import's transaction opens.
    chosen_zone = _setting(journal, "timezone")
    zone = chosen_zone or system_zone_name()
    priority = source_priority(journal)
    with journal.session() as session:
        previous = (
            session.execute(
                select(WearableImport)
                .where(WearableImport.source == name, WearableImport.file_sha256 == digest)
                .order_by(WearableImport.id.desc())
            )
            .scalars()
            .first()
        )
        if previous is not None:
            summary.already_imported = True
            summary.nights_unchanged = previous.nights
            if progress:
                progress(size, size)
            summary.seconds = clock.monotonic() - started
            return summary
        run = WearableImport(
            source=name,
            file_name=path.name[:500],
            file_sha256=digest,
            file_size=size,
            imported_at=datetime.now(UTC),
        )
        session.add(run)
        session.flush()
        if REGISTRY[name].naive_times and chosen_zone is None:
            summary.notes.append(
                f"times without an offset were read in {zone} (set the journal's zone with: "
                "kj config set timezone Area/City)"
            )
        memory = _tag_memory(session, name)
        records = _read(name, path, zone, size, progress, on_records, summary, skip_bad, memory)
        touched, covered = save_records(session, records, run.id, summary)
        if memory is not None:
            summary.records_read += memory.skipped
            summary.samples_known += memory.skipped
            covered.update(_hour_nights(memory.skipped_starts))
            run.tag_digests = memory.new.tobytes() if memory.new else None
        if summary.records_read == 0:
            raise WearableImportError(
                f"{path.name}: nothing could be imported (no sleep data found)"
            )
        _derive_and_store(session, touched, priority, summary, covered)
        run.records_read = summary.records_read
        run.samples_added = summary.samples_added
        run.nights = summary.nights_added + summary.nights_updated + summary.nights_unchanged
        run.skipped = summary.records_skipped
    summary.seconds = clock.monotonic() - started
    return summary


def _tag_memory(session: Session, source: str) -> TagMemory | None:
    """Digests of every record this source's earlier imports read (see TagMemory)."""
    if not REGISTRY[source].remembers_tags:
        return None
    memory = TagMemory()
    rows = session.execute(
        select(WearableImport.tag_digests).where(
            WearableImport.source == source, WearableImport.tag_digests.is_not(None)
        )
    ).scalars()
    for blob in rows:
        if blob:
            packed = array("q")
            packed.frombytes(blob)
            memory.known.update(packed)
        if len(memory.known) > MAX_REMEMBERED_TAGS:
            # Beyond this the set would cost more memory than it saves time.
            memory.known.clear()
            break
    return memory


def _hour_nights(starts: Iterable[bytes]) -> set[int]:
    """Ordinal nights of ``YYYY-MM-DD HH`` local start times (before noon: the evening before)."""
    nights: set[int] = set()
    for text in starts:
        try:
            day = date.fromisoformat(text[:10].decode("ascii")).toordinal()
            nights.add(day - 1 if int(text[11:13]) < 12 else day)
        except ValueError:
            continue
    return nights


_REASON_DETAIL = re.compile(r"'[^']*'|\"[^\"]*\"|\d+(\.\d+)?")


def _reason(issue: ParseIssue) -> str:
    return _REASON_DETAIL.sub("…", issue.message)[:80]


def _read(
    name: str,
    path: Path,
    zone: str | None,
    total: int,
    progress: ProgressCallback | None,
    on_records: Callable[[int], None] | None,
    summary: ImportSummary,
    skip_bad: bool,
    memory: TagMemory | None = None,
) -> Iterator[Record]:
    """Records from the parser, with progress reporting and the bad-record policy."""
    done = 0
    last_report = 0.0

    def consumed(count: int) -> None:
        nonlocal done, last_report
        done = min(done + count, total)
        now = clock.monotonic()
        if progress and now - last_report > 0.1:
            last_report = now
            progress(done, total)
            if on_records:
                on_records(summary.records_read)

    token = progress_sink.set(consumed if progress else None)
    try:
        options: dict[str, Any] = {"memory": memory} if memory is not None else {}
        for item in REGISTRY[name].parse(path, zone=zone, **options):
            if isinstance(item, ParseIssue):
                if item.severity == "warning":
                    summary.warnings += 1
                    continue
                if not skip_bad:
                    raise WearableImportError(
                        f"{item.describe()}; nothing was imported "
                        "(fix the file or import with --skip-bad to skip bad records)"
                    )
                reason = _reason(item)
                summary.skipped[reason] = summary.skipped.get(reason, 0) + 1
                continue
            summary.records_read += 1
            yield item
    except InputRejected as error:
        raise WearableImportError(str(error)) from None
    finally:
        progress_sink.reset(token)
    if progress:
        progress(total, total)
    if on_records:
        on_records(summary.records_read)


# ------------------------------------------------------------------ samples


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _offset_min(moment: datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


_KEY = struct.Struct(">qBBqqd")
_KIND_CODES = {"sleep": 1, "summary": 2, **{m.value: 10 + i for i, m in enumerate(Metric)}}
_STAGE_CODES = {stage.value: i + 1 for i, stage in enumerate(Stage)}


def _sample_id(
    source_id: int,
    kind: str,
    stage: str | None,
    start: int,
    end: int,
    value: float | None,
    detail: str | None,
) -> int:
    """A 63-bit content hash: the same sample always gets the same key."""
    key = _KEY.pack(
        source_id, _KIND_CODES[kind], _STAGE_CODES.get(stage or "", 0), start, end, value or 0.0
    )
    if detail:
        key += detail.encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


_TZ_CACHE: dict[int, timezone] = {}


def _tz(offset_min: int) -> timezone:
    found = _TZ_CACHE.get(offset_min)
    if found is None:
        found = _TZ_CACHE[offset_min] = timezone(timedelta(minutes=offset_min))
    return found


def _night_span(start_ms: int, start_off: int, end_ms: int, end_off: int) -> tuple[int, int]:
    """Ordinal days of the nights a sample can belong to (evening of start, of end)."""
    day_ms = 86_400_000
    first = (start_ms + start_off * 60_000 - day_ms // 2) // day_ms
    last = (end_ms + end_off * 60_000 - day_ms // 2) // day_ms
    epoch = date(1970, 1, 1).toordinal()
    return epoch + first - 1, epoch + last + 1


class _Sources:
    """Source rows by :class:`SourceRef`, created on first sight."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._ids: dict[SourceRef, int] = {}
        self.refs: dict[int, SourceRef] = {}
        self._last_ref: SourceRef | None = None
        self._last_id = 0
        table = WearableSource.__table__
        for row in connection.execute(select(table)):
            ref = SourceRef(row.vendor, row.name, row.version or None, row.device or None)
            self._ids[ref] = row.id
            self.refs[row.id] = ref

    def id(self, ref: SourceRef) -> int:
        # Parsers reuse one SourceRef object per source, so identity is a cheap first test.
        if ref is self._last_ref:
            return self._last_id
        found = self._ids.get(ref)
        if found is not None:
            self._last_ref, self._last_id = ref, found
        if found is None:
            result = self._connection.execute(
                insert(WearableSource).values(
                    vendor=ref.vendor[:40],
                    name=ref.name[:200],
                    version=(ref.version or "")[:100],
                    device=(ref.device or "")[:1000],
                )
            )
            primary_key = result.inserted_primary_key
            if primary_key is None:
                raise WearableImportError("could not record the source of a sample")
            found = int(primary_key[0])
            self._ids[ref] = found
            self.refs[found] = ref
        return found


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_MINUTE = timedelta(minutes=1)


def _row(record: Record, source_id: int, import_id: int | None) -> tuple[Any, ...]:
    start_at, end_at = record.start, record.end
    start = (start_at - _EPOCH) // _MILLISECOND
    start_off = (start_at.utcoffset() or timedelta()) // _MINUTE
    if end_at is start_at or (end_at == start_at and end_at.tzinfo is start_at.tzinfo):
        end, end_off = start, start_off
    else:
        end = (end_at - _EPOCH) // _MILLISECOND
        end_off = (end_at.utcoffset() or timedelta()) // _MINUTE
    if type(record) is MetricSample or isinstance(record, MetricSample):
        kind, stage, value, detail = record.metric.value, None, record.value, None
    elif isinstance(record, SleepSample):
        kind, stage, value, detail = "sleep", record.stage.value, None, None
    elif isinstance(record, MetricSample):
        kind, stage, value, detail = record.metric.value, None, record.value, None
    else:
        kind, stage, value = "summary", None, None
        detail = json.dumps(
            {
                "stage_seconds": {s.value: n for s, n in record.stage_seconds},
                "awakenings": record.awakenings,
            },
            sort_keys=True,
        )
    sample_id = _sample_id(source_id, kind, stage, start, end, value, detail)
    return (
        sample_id,
        source_id,
        kind,
        stage,
        start,
        end,
        start_off,
        end_off,
        value,
        detail,
        import_id,
    )


_COLUMNS = (
    "key, source_id, kind, stage, start_ms, end_ms, start_offset_min, end_offset_min, value, "
    "detail, import_id"
)


def _insert_sql(connection: Connection) -> str:
    marks = ", ".join(["?"] * 11 if connection.dialect.paramstyle == "qmark" else ["%s"] * 11)
    return f"INSERT INTO wearable_sample ({_COLUMNS}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def save_records(
    session: Session, records: Iterable[Record], import_id: int | None, summary: ImportSummary
) -> tuple[set[int], set[int]]:
    """Insert new samples in batches.

    Returns the ordinal days of nights the new samples touch, and of nights that
    samples already in the journal belong to.
    """
    connection = session.connection()
    sources = _Sources(connection)
    sql = _insert_sql(connection)
    table = WearableSample.__table__
    touched: set[int] = set()
    covered: set[int] = set()
    pending: dict[tuple[int, int], tuple[Any, ...]] = {}

    def flush() -> None:
        if not pending:
            return
        keys = sorted(pending)
        known: set[tuple[int, int]] = set()
        # A first import into an empty stretch of time needs no per-key check.
        overlapping = connection.execute(
            select(table.c.key).where(table.c.start_ms.between(keys[0][0], keys[-1][0])).limit(1)
        ).first()
        starts = sorted({start for start, _key in keys}) if overlapping else []
        for at in range(0, len(starts), 500):
            # An IN list on the key's first column is a point lookup per value (a
            # row-value IN would scan the table in SQLite).
            found = connection.execute(
                select(table.c.start_ms, table.c.key).where(
                    table.c.start_ms.in_(starts[at : at + 500])
                )
            )
            # Other samples may share a start instant; keep only this batch's keys.
            known.update(pair for pair in ((int(s), int(k)) for s, k in found) if pair in pending)
        fresh = [pending[key] for key in keys if key not in known]  # in key order
        summary.samples_known += len(pending) - len(fresh)
        summary.samples_added += len(fresh)
        if fresh:
            connection.exec_driver_sql(sql, fresh)
        for row in fresh:
            first, last = _night_span(row[4], row[6], row[5], row[7])
            touched.update(range(first, last + 1))
        if len(fresh) < len(pending):
            for key in known:
                row = pending[key]
                covered.add(_night_span(row[4], row[6], row[4], row[6])[0] + 1)
        pending.clear()

    for record in records:
        row = _row(record, sources.id(record.source), import_id)
        pending[(row[4], row[0])] = row
        if len(pending) >= BATCH:
            flush()
    flush()
    return touched, covered


# -------------------------------------------------------------------- nights


def _load_window(
    connection: Connection, sources: _Sources, start_ms: int, end_ms: int
) -> tuple[list[SleepSample | SleepSummary], MetricIndex]:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    rows = connection.exec_driver_sql(
        "SELECT source_id, kind, stage, start_ms, end_ms, start_offset_min, end_offset_min, "
        f"value, detail FROM wearable_sample WHERE start_ms >= {mark} AND start_ms < {mark}",
        (start_ms, end_ms),
    ).fetchall()
    sleep: list[SleepSample | SleepSummary] = []
    metric_rows: list[tuple[int, Metric, float]] = []
    metric_names = {m.value: m for m in Metric}
    for source_id, kind, stage, s_ms, e_ms, s_off, e_off, value, detail in rows:
        metric = metric_names.get(kind)
        if metric is not None:
            if value is not None:
                metric_rows.append((s_ms, metric, float(value)))
            continue
        ref = sources.refs[source_id]
        start = datetime.fromtimestamp(s_ms / 1000, _tz(s_off))
        end = datetime.fromtimestamp(e_ms / 1000, _tz(e_off))
        if kind == "sleep":
            sleep.append(SleepSample(ref, start, end, Stage(stage)))
        elif kind == "summary":
            info = json.loads(detail or "{}")
            seconds = tuple((Stage(k), int(v)) for k, v in info.get("stage_seconds", {}).items())
            sleep.append(SleepSummary(ref, start, end, seconds, info.get("awakenings")))
    return sleep, MetricIndex(metric_rows)


def _night_values(night: Night, source_id: int) -> dict[str, Any]:
    stages = night.stages
    values: dict[str, Any] = {
        "night": night.night,
        "source_id": source_id,
        "chosen": night.chosen,
        "tier": night.tier,
        "bed_ms": _ms(night.bed_at),
        "bed_offset_min": _offset_min(night.bed_at),
        "out_ms": _ms(night.out_at),
        "out_offset_min": _offset_min(night.out_at),
        "time_in_bed_min": night.time_in_bed_min,
        "total_sleep_min": night.total_sleep_min,
        "sleep_onset_latency_min": night.sleep_onset_latency_min,
        "waso_min": night.waso_min,
        "awakenings": night.awakenings,
        "staged": stages is not None,
        "awake_min": stages.awake if stages else None,
        "light_min": stages.light if stages else None,
        "deep_min": stages.deep if stages else None,
        "rem_min": stages.rem if stages else None,
        "unspecified_min": stages.unspecified if stages else None,
        "heart_rate_mean": night.heart_rate_mean,
        "heart_rate_min": night.heart_rate_min,
        "hrv_sdnn_mean": night.hrv_sdnn_mean,
        "hrv_rmssd_mean": night.hrv_rmssd_mean,
        "respiratory_rate_mean": night.respiratory_rate_mean,
        "samples": night.samples,
    }
    text = json.dumps(values, default=str, sort_keys=True)
    values["content_hash"] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return values


def _derive_and_store(
    session: Session,
    touched: set[int],
    priority: Sequence[str],
    summary: ImportSummary,
    covered: set[int] | None = None,
) -> None:
    """Derive the touched nights again and store what changed; count covered nights too."""
    _derive_touched(session, touched, priority, summary)
    already = {date.fromordinal(o) for o in (covered or set()) - touched}
    if already:
        table = WearableNight.__table__
        ordered = sorted(already)
        for at in range(0, len(ordered), 500):
            summary.nights_unchanged += (
                session.connection()
                .execute(
                    select(func.count(func.distinct(table.c.night))).where(
                        table.c.night.in_(ordered[at : at + 500])
                    )
                )
                .scalar_one()
            )


def _derive_touched(
    session: Session, touched: set[int], priority: Sequence[str], summary: ImportSummary
) -> None:
    if not touched:
        return
    connection = session.connection()
    sources = _Sources(connection)
    ordinals = sorted(touched)
    table = WearableNight.__table__
    for at in range(0, len(ordinals), DERIVE_DAYS):
        days = {date.fromordinal(o) for o in ordinals[at : at + DERIVE_DAYS]}
        first, last = min(days), max(days)
        # Samples of a night start at most a day before its evening or up to two after.
        window_start = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
        window_end = datetime.combine(last + timedelta(days=3), datetime.min.time(), UTC)
        sleep, metrics = _load_window(connection, sources, _ms(window_start), _ms(window_end))
        derived = derive_nights(sleep, metrics, priority, only=days)
        ids = {ref: source_id for source_id, ref in sources.refs.items()}
        stored = {
            (row.night, row.source_id): (row.id, row.content_hash)
            for row in connection.execute(
                select(table.c.id, table.c.night, table.c.source_id, table.c.content_hash).where(
                    table.c.night.in_(days)
                )
            )
        }
        dates_before = {key[0] for key in stored}
        changed: set[date] = set()
        seen: set[date] = set()
        fresh: list[dict[str, Any]] = []
        for night in derived:
            values = _night_values(night, ids[night.source])
            key = (night.night, values["source_id"])
            seen.add(night.night)
            existing = stored.get(key)
            if existing is None:
                fresh.append(values)
                changed.add(night.night)
            elif existing[1] != values["content_hash"]:
                connection.execute(
                    update(WearableNight).where(WearableNight.id == existing[0]).values(**values)
                )
                changed.add(night.night)
        if fresh:
            connection.execute(insert(WearableNight), fresh)
        for night_date in seen:
            if night_date not in dates_before:
                summary.nights_added += 1
            elif night_date in changed:
                summary.nights_updated += 1
            else:
                summary.nights_unchanged += 1


# --------------------------------------------------------------------- reading


NIGHT_FIELDS: tuple[str, ...] = (
    "night",
    "source",
    "source_vendor",
    "source_name",
    "source_device",
    "tier",
    "bed_at",
    "out_at",
    "time_in_bed_min",
    "total_sleep_min",
    "sleep_onset_latency_min",
    "waso_min",
    "awakenings",
    "stage_min",
    "heart_rate_mean_bpm",
    "heart_rate_min_bpm",
    "hrv_sdnn_ms",
    "hrv_rmssd_ms",
    "respiratory_rate_per_min",
    "samples",
    "other_sources",
)
"""Stable field names of :func:`list_nights` items (documented in docs/importers.md)."""


def _stored_night(row: Any, ref: SourceRef) -> Night:
    stages = (
        StageMinutes(
            awake=row.awake_min or 0.0,
            light=row.light_min or 0.0,
            deep=row.deep_min or 0.0,
            rem=row.rem_min or 0.0,
            unspecified=row.unspecified_min or 0.0,
        )
        if row.staged
        else None
    )
    return Night(
        night=row.night,
        source=ref,
        tier=row.tier,
        bed_at=datetime.fromtimestamp(row.bed_ms / 1000, _tz(row.bed_offset_min)),
        out_at=datetime.fromtimestamp(row.out_ms / 1000, _tz(row.out_offset_min)),
        time_in_bed_min=row.time_in_bed_min,
        total_sleep_min=row.total_sleep_min,
        sleep_onset_latency_min=row.sleep_onset_latency_min,
        waso_min=row.waso_min,
        awakenings=row.awakenings,
        stages=stages,
        heart_rate_mean=row.heart_rate_mean,
        heart_rate_min=row.heart_rate_min,
        hrv_sdnn_mean=row.hrv_sdnn_mean,
        hrv_rmssd_mean=row.hrv_rmssd_mean,
        respiratory_rate_mean=row.respiratory_rate_mean,
        samples=row.samples,
    )


def night_dict(night: Night, others: Sequence[Night] = ()) -> dict[str, Any]:
    """A night as plain JSON-ready data with the field names of :data:`NIGHT_FIELDS`."""
    stages = night.stages
    return {
        "night": night.night.isoformat(),
        "source": night.source.label,
        "source_vendor": night.source.vendor,
        "source_name": night.source.name,
        "source_device": night.source.device,
        "tier": night.tier,
        "bed_at": night.bed_at.isoformat(),
        "out_at": night.out_at.isoformat(),
        "time_in_bed_min": night.time_in_bed_min,
        "total_sleep_min": night.total_sleep_min,
        "sleep_onset_latency_min": night.sleep_onset_latency_min,
        "waso_min": night.waso_min,
        "awakenings": night.awakenings,
        "stage_min": asdict(stages) if stages else None,
        "heart_rate_mean_bpm": night.heart_rate_mean,
        "heart_rate_min_bpm": night.heart_rate_min,
        "hrv_sdnn_ms": night.hrv_sdnn_mean,
        "hrv_rmssd_ms": night.hrv_rmssd_mean,
        "respiratory_rate_per_min": night.respiratory_rate_mean,
        "samples": night.samples,
        "other_sources": [other.source.label for other in others],
    }


def list_nights(
    journal: Any,
    since: date | None = None,
    until: date | None = None,
    priority: Sequence[str] | None = None,
) -> list[tuple[Night, list[Night]]]:
    """Chosen night per date (by the current priority setting) and the other sources' nights."""
    wanted = source_priority(journal) if priority is None else tuple(priority)
    table = WearableNight.__table__
    query = select(table)
    if since is not None:
        query = query.where(table.c.night >= since)
    if until is not None:
        query = query.where(table.c.night <= until)
    with journal.session() as session:
        connection = session.connection()
        sources = _Sources(connection)
        per_date: dict[date, list[Night]] = {}
        for row in connection.execute(query.order_by(table.c.night)):
            per_date.setdefault(row.night, []).append(
                _stored_night(row, sources.refs[row.source_id])
            )
    result = []
    for night_date in sorted(per_date):
        ranked = choose(per_date[night_date], wanted)
        result.append((ranked[0], ranked[1:]))
    return result


def add_demo_wearable(
    journal: Any, first_night: date, count: int, seed: int = 7, zone: str = "America/Los_Angeles"
) -> ImportSummary:
    """Fill a (demo) journal with generated watch and phone nights, saved like an import."""
    from kratom_journal.importers.demo_wearable import demo_wearable_records

    summary = ImportSummary("demo", "generated")
    records = list(demo_wearable_records(first_night, count, seed, zone))
    summary.records_read = len(records)
    priority = source_priority(journal)
    with journal.session() as session:
        touched, covered = save_records(session, records, None, summary)
        _derive_and_store(session, touched, priority, summary, covered)
    return summary


def extend_demo_journal(journal: Any, seed: int) -> None:
    """Demo hook ``(journal, seed)``: watch and phone nights matching the demo's sleep diary."""
    from kratom_journal.domain.entries import Kind, SleepDiaryEntry
    from kratom_journal.importers.demo_wearable import demo_records_for_diary

    diary = [
        stored.entry
        for stored in journal.entries.list(kind=Kind.SLEEP)
        if isinstance(stored.entry, SleepDiaryEntry)
    ]
    zone = _setting(journal, "timezone") or system_zone_name()
    records = list(demo_records_for_diary(diary, seed, zone))
    summary = ImportSummary("demo", "generated", records_read=len(records))
    priority = source_priority(journal)
    with journal.session() as session:
        touched, covered = save_records(session, records, None, summary)
        _derive_and_store(session, touched, priority, summary, covered)


# ------------------------------------------------------------- JSON export


_EXPORT_COLUMNS = "kind, stage, start_ms, end_ms, start_offset_min, end_offset_min, value, detail"


def export_samples(journal: Any) -> list[dict[str, Any]]:
    """Raw samples for the journal's JSON export, grouped by source, in a stable order.

    Storage keys and source ids are left out: they are recomputed on import, so
    a sample exported from one journal lands under the same content key in another.
    """
    with journal.session() as session:
        connection = session.connection()
        sources = _Sources(connection)
        groups: list[dict[str, Any]] = []
        for source_id, ref in sorted(
            sources.refs.items(), key=lambda item: tuple(str(v) for v in asdict(item[1]).values())
        ):
            rows = connection.exec_driver_sql(
                f"SELECT {_EXPORT_COLUMNS} FROM wearable_sample WHERE source_id = "
                f"{'?' if connection.dialect.paramstyle == 'qmark' else '%s'}",
                (source_id,),
            ).fetchall()
            samples = sorted(
                ([*row] for row in rows), key=lambda r: (r[2], r[0], r[1] or "", r[3], repr(r[6:]))
            )
            groups.append({"source": asdict(ref), "samples": samples})
    return groups


def restore_samples(session: Session, groups: list[dict[str, Any]], origin: str = "") -> int:
    """Add exported samples that are new, then derive their nights; returns how many were new.

    Raises ``ValueError`` naming the first malformed group or sample.
    """
    connection = session.connection()
    sources = _Sources(connection)
    summary = ImportSummary(source="json", file=origin)
    rows: list[tuple[Any, ...]] = []
    for position, group in enumerate(groups, 1):
        try:
            ref = SourceRef(**group["source"])
            source_id = sources.id(ref)
            for kind, stage, start, end, s_off, e_off, value, detail in group["samples"]:
                key = _sample_id(source_id, kind, stage, int(start), int(end), value, detail)
                rows.append(
                    (
                        key,
                        source_id,
                        kind,
                        stage,
                        int(start),
                        int(end),
                        int(s_off),
                        int(e_off),
                        value,
                        detail,
                        None,
                    )
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"wearable source group {position} is malformed ({exc})") from None
    added = 0
    touched: set[int] = set()
    for at in range(0, len(rows), BATCH):
        batch = rows[at : at + BATCH]
        result = connection.exec_driver_sql(_insert_sql(connection), batch)
        added += max(result.rowcount, 0)
        for row in batch:
            first, last = _night_span(row[4], row[6], row[5], row[7])
            touched.update(range(first, last + 1))
    priority = parse_priority(_stored_priority(session))
    _derive_touched(session, touched, priority, summary)
    return added


def _stored_priority(session: Session) -> str | None:
    from kratom_journal.store.tables import SettingRow

    row = session.get(SettingRow, PRIORITY_KEY)
    return row.value if row is not None else None


# ------------------------------------------------------------- stage timeline


_TIMELINE_STAGES = ("awake", "light", "deep", "rem", "asleep_unspecified")


def stage_timeline(
    journal: Any, first: date, last: date
) -> dict[date, list[tuple[datetime, datetime, str]]]:
    """Per night, the chosen source's staged sleep as (start, end, stage) segments in order.

    Samples of the one chosen source only (sources are never mixed); where that
    source's samples overlap, the later-starting one is cut to begin where the
    earlier ends, so no minute is drawn twice. Nights without stages are absent.
    """
    nights_table = WearableNight.__table__
    samples = WearableSample.__table__
    timeline: dict[date, list[tuple[datetime, datetime, str]]] = {}
    with journal.session() as session:
        connection = session.connection()
        chosen = connection.execute(
            select(
                nights_table.c.night,
                nights_table.c.source_id,
                nights_table.c.bed_ms,
                nights_table.c.out_ms,
            ).where(nights_table.c.chosen.is_(True), nights_table.c.night.between(first, last))
        ).all()
        for night, source_id, bed_ms, out_ms in chosen:
            rows = connection.execute(
                select(
                    samples.c.start_ms,
                    samples.c.end_ms,
                    samples.c.start_offset_min,
                    samples.c.end_offset_min,
                    samples.c.stage,
                )
                .where(
                    samples.c.source_id == source_id,
                    samples.c.kind == "sleep",
                    samples.c.stage.in_(_TIMELINE_STAGES),
                    samples.c.start_ms >= bed_ms - 3_600_000,
                    samples.c.start_ms < out_ms,
                )
                .order_by(samples.c.start_ms)
            ).all()
            segments = _flatten_segments(rows)
            if segments:
                timeline[night] = segments
    return timeline


def _flatten_segments(rows: Sequence[Any]) -> list[tuple[datetime, datetime, str]]:
    segments: list[tuple[datetime, datetime, str]] = []
    covered_until = -(2**62)
    for start_ms, end_ms, start_off, end_off, stage in rows:
        begin = max(int(start_ms), covered_until)
        if int(end_ms) <= begin:
            continue
        start = (_EPOCH + begin * _MILLISECOND).astimezone(_tz(start_off))
        end = (_EPOCH + int(end_ms) * _MILLISECOND).astimezone(_tz(end_off))
        segments.append((start, end, str(stage)))
        covered_until = int(end_ms)
    return segments

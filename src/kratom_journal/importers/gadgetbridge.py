"""Gadgetbridge: the database its "Export database" writes (a SQLite file named
``Gadgetbridge``, alone or inside the zip of a full data export).

Gadgetbridge keeps one row per minute in per-device sample tables, each with a
``TIMESTAMP`` (epoch seconds), a device-specific ``RAW_KIND`` and a ``HEART_RATE``.
The sleep kinds read:

* ``MI_BAND_ACTIVITY_SAMPLE`` and ``HUAMI_EXTENDED_ACTIVITY_SAMPLE`` (Mi Band,
  Amazfit and other Huami devices): the low four bits of ``RAW_KIND`` are the kind;
  9 light sleep, 11 deep sleep, 12 woke up; 0 ("no change") and 10 ("ignore")
  continue the kind before them. Mi Band 1 devices wrote 4 light and 5 deep.
* Any other ``*_ACTIVITY_SAMPLE`` table with the same columns (the generic sample
  layout) whose kinds are Gadgetbridge's own activity kinds: 2 light, 4 deep.

Consecutive sleep minutes become stage spans; gaps of up to :data:`AWAKE_GAP`
between sleep are awake time in bed. Heart rate comes from the same rows (0 and
255 mean "none"). The database is opened read-only and never modified; times are
UTC and the zone the import uses gives their local offset.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import fixed, zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.sqlite_input import Schema, columns_of, connect, is_sqlite, schema
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SourceRef,
    Stage,
)

VENDOR: Final = "gadgetbridge"
HUAMI_TABLES: Final = ("MI_BAND_ACTIVITY_SAMPLE", "HUAMI_EXTENDED_ACTIVITY_SAMPLE")
SAMPLE_COLUMNS: Final = frozenset({"TIMESTAMP", "RAW_KIND"})
HUAMI_KINDS: Final[dict[int, Stage]] = {9: Stage.LIGHT, 11: Stage.DEEP, 12: Stage.AWAKE}
HUAMI_CONTINUE: Final = frozenset({0, 10})
MI_BAND_1_KINDS: Final[dict[int, Stage]] = {4: Stage.LIGHT, 5: Stage.DEEP}
GENERIC_KINDS: Final[dict[int, Stage]] = {2: Stage.LIGHT, 4: Stage.DEEP}
MINUTE: Final = timedelta(minutes=1)
AWAKE_GAP: Final = timedelta(minutes=60)
NO_HEART_RATE: Final = frozenset({0, 255, -1})


def sample_tables(found: Schema) -> list[str]:
    """Tables laid out as per-minute activity samples, Huami ones first."""
    names = [t for t in found if t.upper().endswith("ACTIVITY_SAMPLE")]
    usable = [t for t in names if SAMPLE_COLUMNS <= columns_of(found, t)]
    return sorted(usable, key=lambda t: (t.upper() not in HUAMI_TABLES, t))


def problem(bundle: InputBundle, member: Member) -> str | None:
    """Why a member is not a Gadgetbridge database, or ``None`` when it is one."""
    found = schema(bundle, member)
    if isinstance(found, str):
        return found
    if not sample_tables(found):
        return "not a Gadgetbridge database (no *_ACTIVITY_SAMPLE table)"
    return None


def members(bundle: InputBundle) -> list[Member]:
    """The Gadgetbridge databases of a bundle (detection uses this too)."""
    return bundle.find(lambda m: m.size > 0 and is_sqlite(bundle, m) and problem(bundle, m) is None)


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield sleep stage spans and heart rate from a Gadgetbridge database."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            if bundle.kind == "file":
                (only,) = bundle.members()
                raise InputRejected(bundle.label, problem(bundle, only) or "not a database")
            raise InputRejected(bundle.label, "no Gadgetbridge database found")
        for member in found:
            label = bundle.display(member)
            tables = schema(bundle, member)
            assert not isinstance(tables, str)
            with closing(connect(bundle, member)) as db:
                try:
                    devices = _devices(db, tables)
                    for table in sample_tables(tables):
                        yield from _table(db, tables, table, devices, tz)
                except sqlite3.DatabaseError as error:
                    yield ParseIssue(label, f"database error ({error})")


def _devices(db: sqlite3.Connection, tables: Schema) -> dict[int, str]:
    table = next((t for t in tables if t.upper() == "DEVICE"), None)
    if table is None or not {"_ID", "NAME"} <= columns_of(tables, table):
        return {}
    rows = db.execute(f'SELECT "_id", "NAME" FROM "{table}"')
    return {int(device): str(name) for device, name in rows if isinstance(device, int) and name}


def _kinds(table: str, device_name: str, raw_kinds: set[int]) -> tuple[dict[int, Stage], bool]:
    """The kind map of a table's device, and whether kinds 0/10 continue the previous one."""
    if table.upper() not in HUAMI_TABLES:
        return GENERIC_KINDS, False
    legacy = device_name.strip().upper() in ("MI", "MI1", "MI1S", "MI1A", "MI BAND")
    if legacy or not raw_kinds & {9, 11, 12}:
        return MI_BAND_1_KINDS, False
    return HUAMI_KINDS, True


def _table(
    db: sqlite3.Connection, tables: Schema, table: str, devices: dict[int, str], tz: tzinfo
) -> Iterator[Record | ParseIssue]:
    columns = columns_of(tables, table)
    device_col = '"DEVICE_ID"' if "DEVICE_ID" in columns else "0"
    heart_col = '"HEART_RATE"' if "HEART_RATE" in columns else "NULL"
    masked = table.upper() in HUAMI_TABLES
    kinds_of: dict[int, set[int]] = {}
    for device, kind in db.execute(f'SELECT DISTINCT {device_col}, "RAW_KIND" FROM "{table}"'):
        if isinstance(kind, int):
            kinds_of.setdefault(int(device or 0), set()).add(kind & 0xF if masked else kind)
    for device, raw_kinds in sorted(kinds_of.items()):
        name = devices.get(device, "Gadgetbridge device")
        source = SourceRef(VENDOR, name)
        mapping, carries = _kinds(table, name, raw_kinds)
        rows = db.execute(
            f'SELECT "TIMESTAMP", "RAW_KIND", {heart_col} FROM "{table}" '
            f'WHERE {device_col} = ? ORDER BY "TIMESTAMP"',
            (device,),
        )
        yield from _minutes(rows, source, mapping, carries, masked, tz)


def _at(seconds: int, tz: tzinfo) -> datetime:
    return fixed(datetime.fromtimestamp(seconds, UTC).astimezone(tz))


@dataclass(slots=True)
class _Run:
    """Consecutive minutes of one stage: epoch seconds of the first and just past the last."""

    stage: Stage
    first: int
    end: int


def _minutes(
    rows: Iterator[tuple[object, object, object]],
    source: SourceRef,
    mapping: dict[int, Stage],
    carries: bool,
    masked: bool,
    tz: tzinfo,
) -> Iterator[Record | ParseIssue]:
    """Stage spans from minute rows (runs of one stage joined) and their heart rate."""
    run: _Run | None = None
    last_end: int | None = None
    previous: Stage | None = None
    for stamp, raw, heart in rows:
        if not isinstance(stamp, int) or not 0 < stamp < 4_102_444_800:
            continue
        kind = raw & 0xF if masked and isinstance(raw, int) else raw
        if carries and kind in HUAMI_CONTINUE:
            stage = previous
        else:
            stage = mapping.get(kind) if isinstance(kind, int) else None
            previous = stage
        if isinstance(heart, int) and heart not in NO_HEART_RATE and 20 <= heart <= 250:
            moment = _at(stamp, tz)
            yield MetricSample(source, Metric.HEART_RATE, moment, moment, float(heart))
        if stage not in (Stage.LIGHT, Stage.DEEP):
            continue
        if run is not None and run.stage is stage and stamp <= run.end:
            run.end = stamp + 60
            continue
        if run is not None:
            yield _span(run, source, tz)
            last_end = run.end
        if last_end is not None and 0 < stamp - last_end <= AWAKE_GAP.total_seconds():
            yield SleepSample(source, _at(last_end, tz), _at(stamp, tz), Stage.AWAKE)
        run = _Run(stage, stamp, stamp + 60)
    if run is not None:
        yield _span(run, source, tz)


def _span(run: _Run, source: SourceRef, tz: tzinfo) -> SleepSample:
    return SleepSample(source, _at(run.first, tz), _at(run.end, tz), run.stage)

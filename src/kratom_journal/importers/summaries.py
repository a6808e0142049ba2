"""Sleep logs with one row per night: a column map turns each row into a summary.

Many apps export a night as one row: when it began and ended and how many minutes
of each stage, maybe a score and the heart rate. A :class:`ColumnMap` says which
column holds what and in which unit; :func:`rows_to_records` reads a table with
it. The vendor importers (Whoop, Withings, Sleep Cycle, AutoSleep, Pillow) are
column maps plus their own quirks, and ``kj import sleep-csv --map`` builds a
map from what the person types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.tables import Table, cells, header_key, read_table
from kratom_journal.importers.values import (
    DURATION_UNITS,
    optional_number,
    parse_duration,
    parse_local,
    parse_offset,
)
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSummary,
    SourceRef,
    Stage,
)

TIME_FIELDS: Final = ("start", "end")
DURATION_FIELDS: Final[dict[str, Stage | None]] = {
    "in_bed": None,
    "asleep": Stage.ASLEEP_UNSPECIFIED,
    "light": Stage.LIGHT,
    "deep": Stage.DEEP,
    "rem": Stage.REM,
    "awake": Stage.AWAKE,
}
METRIC_FIELDS: Final[dict[str, Metric]] = {
    "score": Metric.SLEEP_SCORE,
    "heart_rate": Metric.HEART_RATE,
    "hrv": Metric.HRV_RMSSD,
    "hrv_sdnn": Metric.HRV_SDNN,
    "respiratory_rate": Metric.RESPIRATORY_RATE,
    "resting_heart_rate": Metric.RESTING_HEART_RATE,
}
TEXT_FIELDS: Final = ("offset", "nap", "format")
UNITS: Final = (*DURATION_UNITS, "hms")
NAP_WORDS: Final = frozenset({"true", "yes", "1", "nap"})
MAX_NIGHT: Final = timedelta(hours=24)
SLACK: Final = timedelta(minutes=10)
"""How far stage minutes may exceed the time in bed (rounding in the export)."""

_SPEC_SPLIT = re.compile(r",(?=\s*[a-z_]+\s*=)")


@dataclass(frozen=True, slots=True)
class Column:
    """Where one quantity is: a column name and, for durations, its unit."""

    name: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column holds each quantity of a one-row-per-night sleep log.

    ``fields`` maps a field (``start``, ``end``, ``in_bed``, ``asleep``, ``light``,
    ``deep``, ``rem``, ``awake``, ``score``, ``heart_rate``, ``hrv``,
    ``respiratory_rate``, ``resting_heart_rate``, ``offset``, ``nap``) to its
    column; ``time_format`` is an optional :func:`~datetime.datetime.strptime`
    pattern for the start and end.
    """

    fields: Mapping[str, Column] = field(default_factory=dict)
    time_format: str | None = None

    def spec(self) -> str:
        """The map as ``kj import sleep-csv --map`` takes it (round-trips :func:`parse_spec`).

        >>> parse_spec("start=Bed,end=Up,asleep_min=Sleep (min)").spec()
        'start=Bed,end=Up,asleep_min=Sleep (min)'
        """
        parts = []
        for name, column in self.fields.items():
            key = f"{name}_{column.unit}" if column.unit else name
            parts.append(f"{key}={column.name}")
        if self.time_format:
            parts.append(f"format={self.time_format}")
        return ",".join(parts)


def parse_spec(spec: str) -> ColumnMap:
    """Read ``start=Bedtime,end=Wake up,asleep_min=Minutes asleep`` into a map.

    Durations name their unit after the field: ``_min``, ``_s``, ``_h``, ``_ms``
    or ``_hms`` (``H:MM[:SS]`` text). ``format=`` gives a strptime pattern.

    >>> sorted(parse_spec("start=A, end=B, deep_h=C").fields)
    ['deep', 'end', 'start']
    >>> parse_spec("start=A,bogus=B")
    Traceback (most recent call last):
    ...
    ValueError: unknown field 'bogus' in the column map (fields: start, end, ...)
    """
    fields: dict[str, Column] = {}
    time_format: str | None = None
    for part in _SPEC_SPLIT.split(spec.strip()):
        if not part.strip():
            continue
        key, separator, column = part.partition("=")
        key, column = key.strip().lower(), column.strip()
        if not separator or not column:
            raise ValueError(f"expected field=column in the column map, got {part.strip()!r}")
        if key == "format":
            time_format = column
            continue
        name, unit = _field_and_unit(key)
        fields[name] = Column(column, unit)
    if "start" not in fields:
        raise ValueError("the column map needs start=COLUMN")
    if "end" not in fields and "in_bed" not in fields:
        raise ValueError("the column map needs end=COLUMN or in_bed_min=COLUMN")
    return ColumnMap(fields, time_format)


def _field_and_unit(key: str) -> tuple[str, str]:
    for unit in sorted(UNITS, key=len, reverse=True):
        base = key.removesuffix(f"_{unit}")
        if base != key and base in DURATION_FIELDS:
            return base, unit
    if key in DURATION_FIELDS:
        return key, "min"
    if key in TIME_FIELDS or key in METRIC_FIELDS or key in TEXT_FIELDS:
        return key, ""
    raise ValueError(f"unknown field {key!r} in the column map (fields: start, end, ...)")


def missing_columns(table: Table, columns: ColumnMap) -> list[str]:
    """Columns the map names that the table does not have."""
    present = {header_key(h) for h in table.header}
    return [c.name for c in columns.fields.values() if header_key(c.name) not in present]


def rows_to_records(
    table: Table, columns: ColumnMap, source: SourceRef, zone: tzinfo
) -> Iterator[Record | ParseIssue]:
    """One summary (and its score and heart readings) per row of ``table``."""
    for line, row in cells(table):
        yield from row_records(table.label, line, row, columns, source, zone)


def summary_files(
    path: Path,
    zone: str | None,
    members: Callable[[InputBundle], list[Member]],
    aliases: Aliases,
    source: SourceRef,
    missing: str,
) -> Iterator[Record | ParseIssue]:
    """The records of every summary CSV ``members`` finds in the export at ``path``.

    ``missing`` is the message when the export holds none of them.
    """
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, missing)
        for member in found:
            table = read_table(bundle, member)
            yield from rows_to_records(table, resolve(table, aliases), source, tz)


def _cell(row: Mapping[str, str], columns: ColumnMap, name: str) -> str | None:
    column = columns.fields.get(name)
    if column is None:
        return None
    value = row.get(header_key(column.name))
    return value if value else None


def row_records(
    label: str,
    line: int,
    row: Mapping[str, str],
    columns: ColumnMap,
    source: SourceRef,
    zone: tzinfo,
) -> Iterator[Record | ParseIssue]:
    """The records of one row, or one issue saying why the row cannot be read."""
    try:
        summary = _summary(row, columns, source, zone)
    except ValueError as error:
        yield ParseIssue(label, str(error), line=line)
        return
    if summary is None:
        return
    yield summary
    middle = summary.start + (summary.end - summary.start) / 2
    for name, metric in METRIC_FIELDS.items():
        value = optional_number(_cell(row, columns, name))
        if value is None or value <= 0:
            continue
        at = middle if metric in (Metric.HEART_RATE, Metric.RESPIRATORY_RATE) else summary.end
        yield MetricSample(source, metric, at, at, value)


def _summary(
    row: Mapping[str, str], columns: ColumnMap, source: SourceRef, zone: tzinfo
) -> SleepSummary | None:
    if (_cell(row, columns, "nap") or "").strip().lower() in NAP_WORDS:
        raise ValueError("a nap, not a night")
    start_text = _cell(row, columns, "start")
    if start_text is None:
        if not any(row.values()):
            return None
        raise ValueError("no start time")
    offset_text = _cell(row, columns, "offset")
    if offset_text:
        zone = parse_offset(offset_text)
    start = parse_local(start_text, zone, columns.time_format)
    seconds = _durations(row, columns)
    end_text = _cell(row, columns, "end")
    if end_text is not None:
        end = parse_local(end_text, zone, columns.time_format)
    elif "in_bed" in seconds:
        end = start + timedelta(seconds=seconds["in_bed"])
    else:
        raise ValueError("no end time and no time in bed")
    if end < start:
        raise ValueError("ends before it starts")
    if end - start > MAX_NIGHT:
        raise ValueError("lasts more than 24 hours")
    return SleepSummary(source, start, end, _stage_seconds(seconds, end - start))


def _durations(row: Mapping[str, str], columns: ColumnMap) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for name in DURATION_FIELDS:
        text = _cell(row, columns, name)
        if text is None:
            continue
        column = columns.fields[name]
        try:
            seconds[name] = parse_duration(text, column.unit or "min")
        except ValueError as error:
            raise ValueError(f"{column.name}: {error}") from None
    return seconds


def _stage_seconds(seconds: dict[str, float], span: timedelta) -> tuple[tuple[Stage, int], ...]:
    staged: dict[Stage, float] = {
        stage: seconds[name]
        for name, stage in DURATION_FIELDS.items()
        if stage is not None and stage is not Stage.ASLEEP_UNSPECIFIED and name in seconds
    }
    asleep = seconds.get("asleep")
    known = sum(v for s, v in staged.items() if s is not Stage.AWAKE)
    if asleep is not None and asleep - known > 60:
        # "Asleep" beyond the named stages is sleep of no known stage (AutoSleep's deep only).
        staged[Stage.ASLEEP_UNSPECIFIED] = asleep - known
    total_sleep = sum(v for s, v in staged.items() if s is not Stage.AWAKE)
    if timedelta(seconds=total_sleep) > span + SLACK:
        raise ValueError(
            f"{total_sleep / 60:.0f} minutes asleep is more than the "
            f"{span.total_seconds() / 60:.0f} minutes between its start and end"
        )
    return tuple((stage, round(value)) for stage, value in staged.items() if value > 0)


Aliases = Mapping[str, tuple[tuple[str, str], ...]]
"""Per field, the column names (and units) it may have, most likely first."""


def resolve(table: Table, aliases: Aliases, time_format: str | None = None) -> ColumnMap:
    """The column map of ``table``: for each field, the first alias the table has."""
    fields: dict[str, Column] = {}
    for name, candidates in aliases.items():
        for column, unit in candidates:
            if table.column(column) is not None:
                fields[name] = Column(column, unit)
                break
    return ColumnMap(fields, time_format)


def alias_columns(aliases: Aliases, field_name: str) -> tuple[str, ...]:
    """The column names a field may have."""
    return tuple(column for column, _unit in aliases.get(field_name, ()))

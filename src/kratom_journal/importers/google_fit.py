"""Google Fit in Google Takeout (``Takeout/Fit/``), the export that outlives the Fit APIs.

Three places hold sleep; the most detailed one present is read:

1. ``All Data/*sleep.segment*.json``: data points ``{"startTimeNanos",
   "endTimeNanos", "fitValue": [{"value": {"intVal": N}}]}`` with Health
   Connect's stage codes (1 awake, 2 sleeping, 3 out of bed, 4 light, 5 deep,
   6 REM); ``*heart_rate.bpm*.json`` adds heart rate (``fpVal``).
2. ``All Sessions/*SLEEP*.json``: sessions ``{"fitnessActivity": "sleep",
   "startTime", "endTime", "segment": [{"fitnessActivity": "sleep.deep", …}]}``.
3. ``Daily activity metrics/YYYY-MM-DD.csv``: 15-minute rows (``Start time``
   ``00:15:00.000+01:00``) with the milliseconds of light, deep, REM and awake
   sleep and the average heart rate in each.

Nanosecond times are UTC: the zone the import uses gives their local offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import fixed, number, read_json, zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.tables import cells, has_columns, head_columns, read_table
from kratom_journal.importers.values import optional_number, parse_local
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SourceRef,
    Stage,
)

VENDOR: Final = "google-fit"
SOURCE: Final = SourceRef(VENDOR, "Google Fit")
SEGMENT_CODES: Final[dict[int, Stage]] = {
    1: Stage.AWAKE,
    2: Stage.ASLEEP_UNSPECIFIED,
    3: Stage.OUT_OF_BED,
    4: Stage.LIGHT,
    5: Stage.DEEP,
    6: Stage.REM,
}
SESSION_STAGES: Final[dict[str, Stage]] = {
    "sleep": Stage.ASLEEP_UNSPECIFIED,
    "sleep.light": Stage.LIGHT,
    "sleep.deep": Stage.DEEP,
    "sleep.rem": Stage.REM,
    "sleep.awake": Stage.AWAKE,
}
SEGMENT_FILE = re.compile(r"(^|/)[^/]*sleep\.segment[^/]*\.json$", re.IGNORECASE)
HEART_FILE = re.compile(r"(^|/)[^/]*heart_rate\.bpm[^/]*\.json$", re.IGNORECASE)
SESSION_FILE = re.compile(r"(^|/)All Sessions/[^/]*SLEEP[^/]*\.json$", re.IGNORECASE)
DAILY_FILE = re.compile(r"(^|/)Daily activity metrics/(\d{4}-\d{2}-\d{2})\.csv$", re.IGNORECASE)
DAILY_BIN: Final = timedelta(minutes=15)
DAILY_STAGES: Final = (
    ("Light sleeping duration (ms)", Stage.LIGHT),
    ("Deep sleeping duration (ms)", Stage.DEEP),
    ("REM sleeping duration (ms)", Stage.REM),
    ("Awake mid-sleeping duration (ms)", Stage.AWAKE),
    ("Sleep duration (ms)", Stage.ASLEEP_UNSPECIFIED),
)


def _kind(bundle: InputBundle, member: Member) -> str | None:
    name = member.name
    if SEGMENT_FILE.search(name):
        return "segments"
    if HEART_FILE.search(name):
        return "heart"
    if SESSION_FILE.search(name) and b'"sleep' in bundle.head(member, 4096):
        return "sessions"
    if DAILY_FILE.search(name):
        columns = head_columns(bundle.head(member, 8192))
        if has_columns(columns, ["Start time", "End time"]) and any("sleep" in c for c in columns):
            return "daily"
    return None


def members(bundle: InputBundle) -> list[Member]:
    """The Google Fit files with sleep (and heart rate) of a Takeout (detection uses this too)."""
    found = bundle.find(lambda m: _kind(bundle, m) is not None)
    if not any(_kind(bundle, m) != "heart" for m in found):
        return []  # heart rate alone is no sleep
    return found


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield sleep stages and heart rate from a Google Fit Takeout (folder or zip)."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, "no Google Fit sleep data found (Takeout/Fit/...)")
        by_kind: dict[str, list[Member]] = {}
        for member in found:
            by_kind.setdefault(_kind(bundle, member) or "", []).append(member)
        best = next((k for k in ("segments", "sessions", "daily") if k in by_kind), None)
        readers = {"segments": _segments, "sessions": _sessions, "daily": _daily}
        for kind in (best, "heart"):
            for member in by_kind.get(kind or "", []):
                if kind == "heart":
                    yield from _points(bundle, member, tz, heart=True)
                elif kind is not None:
                    yield from readers[kind](bundle, member, tz)


def _nanos(value: object, tz: tzinfo) -> datetime:
    nanos = number(value)
    if nanos is None or not 0 < nanos < 4.2e18:
        raise ValueError(f"time {value!r} is not nanoseconds since 1970")
    return fixed(datetime.fromtimestamp(nanos / 1e9, UTC).astimezone(tz))


def _segments(bundle: InputBundle, member: Member, tz: tzinfo) -> Iterator[Record | ParseIssue]:
    yield from _points(bundle, member, tz, heart=False)


def _points(
    bundle: InputBundle, member: Member, tz: tzinfo, *, heart: bool
) -> Iterator[Record | ParseIssue]:
    label = bundle.display(member)
    document = read_json(bundle, member)
    points = None
    if isinstance(document, dict):
        points = document.get("Data Points", document.get("point", document.get("Data")))
    if not isinstance(points, list):
        yield ParseIssue(label, "expected {'Data Points': [...]}")
        return
    for index, point in enumerate(points, 1):
        if not isinstance(point, Mapping):
            yield ParseIssue(label, "expected a data point object", record=index)
            continue
        try:
            start = _nanos(point.get("startTimeNanos"), tz)
            end = _nanos(point.get("endTimeNanos"), tz)
        except ValueError as error:
            yield ParseIssue(label, str(error), record=index)
            continue
        value = _value(point)
        if heart:
            if value is not None and 20 <= value <= 250:
                yield MetricSample(SOURCE, Metric.HEART_RATE, start, start, value)
            continue
        stage = SEGMENT_CODES.get(int(value)) if value is not None and value == int(value) else None
        if stage is None:
            yield ParseIssue(label, f"unknown sleep stage {value!r}", record=index)
        elif end < start:
            yield ParseIssue(label, "sleep segment ends before it starts", record=index)
        elif end > start:
            yield SleepSample(SOURCE, start, end, stage)


def _value(point: Mapping[str, object]) -> float | None:
    values = point.get("fitValue", point.get("value"))
    if not isinstance(values, list) or not values or not isinstance(values[0], Mapping):
        return None
    first = values[0].get("value", values[0])
    if not isinstance(first, Mapping):
        return None
    return number(first.get("intVal", first.get("fpVal")))


def _sessions(bundle: InputBundle, member: Member, tz: tzinfo) -> Iterator[Record | ParseIssue]:
    label = bundle.display(member)
    session = read_json(bundle, member)
    if not isinstance(session, Mapping) or not str(session.get("fitnessActivity", "")).startswith(
        "sleep"
    ):
        return
    parts = session.get("segment")
    spans = [session, *(parts if isinstance(parts, list) else [])]
    for index, span in enumerate(spans):
        if not isinstance(span, Mapping):
            continue
        stage = SESSION_STAGES.get(str(span.get("fitnessActivity", "")))
        try:
            start, end = _local(span.get("startTime"), tz), _local(span.get("endTime"), tz)
        except ValueError as error:
            yield ParseIssue(label, str(error), record=index or None)
            continue
        if end < start:
            yield ParseIssue(label, "sleep session ends before it starts", record=index or None)
            continue
        if stage is not None:
            yield SleepSample(SOURCE, start, end, Stage.IN_BED if index == 0 else stage)


def _local(value: object, tz: tzinfo) -> datetime:
    """A session time: one written in UTC (``…Z``) is shown at the zone's offset."""
    text = str(value)
    moment = parse_local(text, tz)
    return fixed(moment.astimezone(tz)) if text.rstrip().endswith("Z") else moment


def _daily(bundle: InputBundle, member: Member, tz: tzinfo) -> Iterator[Record | ParseIssue]:
    match = DAILY_FILE.search(member.name)
    assert match is not None
    day = date.fromisoformat(match.group(2))
    table = read_table(bundle, member)
    for line, row in cells(table):
        try:
            start = parse_local(f"{day.isoformat()}T{row.get('start time', '')}", tz)
        except ValueError as error:
            yield ParseIssue(table.label, str(error), line=line)
            continue
        cursor = start
        bin_end = start + DAILY_BIN
        amounts = [
            (stage, optional_number(row.get(column.casefold()))) for column, stage in DAILY_STAGES
        ]
        staged = any(ms for stage, ms in amounts if stage is not Stage.ASLEEP_UNSPECIFIED)
        for stage, milliseconds in amounts:
            if (
                not milliseconds
                or milliseconds <= 0
                or (staged and stage is Stage.ASLEEP_UNSPECIFIED)
            ):
                continue
            # Each row covers a quarter hour; the stage times are laid out in it one after another.
            end = min(cursor + timedelta(milliseconds=milliseconds), bin_end)
            if end > cursor:
                yield SleepSample(SOURCE, cursor, end, stage)
            cursor = end
        heart = optional_number(row.get("average heart rate (bpm)"))
        if heart and cursor > start:
            yield MetricSample(SOURCE, Metric.HEART_RATE, start, start, heart)

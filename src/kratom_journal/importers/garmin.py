"""Garmin sleep summaries from the account data export (``*_sleepData.json``).

The export has per-night totals only (no stage timeline), so each night becomes a
:class:`SleepSummary`. Times are GMT; the local offset comes from the ``…Local``
timestamps when present, otherwise from the journal's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from kratom_journal.importers.common import (
    fixed,
    json_array_items,
    members_named,
    number,
    zone_info,
)
from kratom_journal.importers.safe_input import InputBundle, InputRejected
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSummary,
    SourceRef,
    Stage,
)

VENDOR: Final = "garmin"
SOURCE: Final = SourceRef(VENDOR, "Garmin")
FILE_NAME = re.compile(r"sleepData\.json$", re.IGNORECASE)
STAGE_FIELDS: Final = (
    (Stage.DEEP, "deepSleepSeconds"),
    (Stage.LIGHT, "lightSleepSeconds"),
    (Stage.REM, "remSleepSeconds"),
    (Stage.AWAKE, "awakeSleepSeconds"),
)


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one sleep summary (and its average heart rate) per Garmin night."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members_named(bundle, FILE_NAME)
        if not found:
            raise InputRejected(bundle.label, "no Garmin *_sleepData.json files found")
        for item in json_array_items(bundle, found, "sleep records"):
            if isinstance(item, ParseIssue):
                yield item
                continue
            yield from _night(*item, tz)


def _gmt(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _night(label: str, index: int, night: object, tz: ZoneInfo) -> Iterator[Record | ParseIssue]:
    if not isinstance(night, dict):
        yield ParseIssue(label, "expected a sleep record object", record=index)
        return
    try:
        start = _gmt(night.get("sleepStartTimestampGMT"))
        end = _gmt(night.get("sleepEndTimestampGMT"))
    except (TypeError, ValueError, OverflowError, OSError):
        yield ParseIssue(label, "missing or bad sleepStart/EndTimestampGMT", record=index)
        return
    if end < start:
        yield ParseIssue(label, "sleep record ends before it starts", record=index)
        return
    local = night.get("sleepStartTimestampLocal")
    if local is not None:
        try:
            delta = _gmt(local).replace(tzinfo=None) - start.replace(tzinfo=None)
            offset = timezone(timedelta(minutes=round(delta.total_seconds() / 60)))
            start, end = start.astimezone(offset), end.astimezone(offset)
        except (TypeError, ValueError, OverflowError, OSError):
            start, end = fixed(start.astimezone(tz)), fixed(end.astimezone(tz))
    else:
        start, end = fixed(start.astimezone(tz)), fixed(end.astimezone(tz))
    totals = []
    for stage, key in STAGE_FIELDS:
        seconds = number(night.get(key))
        if seconds is not None and seconds >= 0:
            totals.append((stage, int(seconds)))
    awakenings = number(night.get("awakeCount"))
    yield SleepSummary(
        SOURCE, start, end, tuple(totals), None if awakenings is None else int(awakenings)
    )
    spo2 = night.get("spo2SleepSummary")
    heart = number(spo2.get("averageHR")) if isinstance(spo2, dict) else None
    if heart is not None and heart > 0:
        middle = start + (end - start) / 2
        yield MetricSample(SOURCE, Metric.HEART_RATE, middle, middle, heart)

"""Fitbit sleep logs from a Google Takeout (``Takeout/Fitbit/Global Export Data/sleep-*.json``).

Times are local without an offset; they are placed in the journal's time zone.
``levels.data`` gives the hypnogram; ``shortData`` (stages logs only) holds short
wake spells laid over it, which the night's flattening lets win.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from kratom_journal.importers.common import (
    json_array_items,
    localize,
    members_named,
    number,
    zone_info,
)
from kratom_journal.importers.safe_input import InputBundle, InputRejected
from kratom_journal.sleep.samples import ParseIssue, Record, SleepSample, SourceRef, Stage

VENDOR: Final = "fitbit"
SOURCE: Final = SourceRef(VENDOR, "Fitbit")
LEVELS: Final[dict[str, Stage]] = {
    "wake": Stage.AWAKE,
    "awake": Stage.AWAKE,
    "restless": Stage.AWAKE,
    "light": Stage.LIGHT,
    "deep": Stage.DEEP,
    "rem": Stage.REM,
    "asleep": Stage.ASLEEP_UNSPECIFIED,
}
FILE_NAME = re.compile(r"(^|/)sleep-\d{4}-\d{2}-\d{2}\.json$", re.IGNORECASE)


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield sleep samples from Fitbit sleep logs (one file, a folder or a Takeout zip)."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members_named(bundle, FILE_NAME)
        if not found:
            raise InputRejected(bundle.label, "no Fitbit sleep-YYYY-MM-DD.json files found")
        for item in json_array_items(bundle, found, "sleep logs"):
            if isinstance(item, ParseIssue):
                yield item
                continue
            yield from _log(*item, tz)


def _log(label: str, index: int, log: object, tz: ZoneInfo) -> Iterator[Record | ParseIssue]:
    if not isinstance(log, dict) or "startTime" not in log or "endTime" not in log:
        yield ParseIssue(label, "expected a sleep log with startTime and endTime", record=index)
        return
    try:
        start = localize(str(log["startTime"]), tz)
        end = localize(str(log["endTime"]), tz)
    except ValueError as error:
        yield ParseIssue(label, f"bad time ({error})", record=index)
        return
    if end < start:
        yield ParseIssue(label, "sleep log ends before it starts", record=index)
        return
    yield SleepSample(SOURCE, start, end, Stage.IN_BED)
    levels = log.get("levels")
    if not isinstance(levels, dict):
        return
    for key in ("data", "shortData"):
        entries = levels.get(key) or []
        if not isinstance(entries, list):
            yield ParseIssue(label, f"levels.{key} is not a list", record=index)
            continue
        for entry in entries:
            sample = _level(entry, tz)
            if sample is None:
                yield ParseIssue(
                    label, f"unreadable levels.{key} entry {entry!r:.60}", record=index
                )
            else:
                yield sample


def _level(entry: object, tz: ZoneInfo) -> SleepSample | None:
    if not isinstance(entry, dict):
        return None
    stage = LEVELS.get(str(entry.get("level", "")).lower())
    seconds = number(entry.get("seconds"))
    if stage is None or seconds is None or seconds < 0 or seconds > 86_400:
        return None
    try:
        start = localize(str(entry.get("dateTime")), tz)
    except ValueError:
        return None
    return SleepSample(SOURCE, start, start + timedelta(seconds=seconds), stage)

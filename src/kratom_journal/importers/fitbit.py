"""Fitbit sleep logs: Google Takeout files, Web API v1.2 JSON and the sleep score CSV.

* ``Takeout/Fitbit/Global Export Data/sleep-YYYY-MM-DD.json``: a JSON array of logs.
* Web API v1.2 responses saved to a file: ``{"sleep": [...], "summary": {...}}``.
* ``Takeout/Fitbit/Sleep Score/sleep_score.csv``: one score per log, joined to its
  log by ``sleep_log_entry_id`` = ``logId`` (placed at the log's end). A score
  whose log is not in the same import is placed at its own ``timestamp`` (UTC),
  where the night it belongs to picks it up.

Times are local without an offset; they are placed in the zone the import uses.
``levels.data`` gives the hypnogram; ``shortData`` (stages logs only) holds short
wake spells laid over it, which the night's flattening lets win. A level Fitbit
could not classify (``"unknown"``) is kept as unknown time in bed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import (
    number,
    read_json,
    zone_info,
)
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.tables import cells, read_table
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
    "unknown": Stage.UNKNOWN,
}
FILE_NAME = re.compile(r"(^|/)sleep-\d{4}-\d{2}-\d{2}\.json$", re.IGNORECASE)
SCORE_NAME = re.compile(r"(^|/)sleep_score\.csv$", re.IGNORECASE)
_LOG_KEYS = re.compile(rb'"(?:logId|dateOfSleep)"\s*:')
SCORE_COLUMNS: Final = ("sleep_log_entry_id", "timestamp", "overall_score")


@dataclass(frozen=True, slots=True)
class _Score:
    """One row of sleep_score.csv waiting for its log."""

    score: float
    resting: float | None
    stamp: str
    label: str
    line: int


def _is_log_file(bundle: InputBundle, member: Member) -> bool:
    name = member.name.lower()
    if FILE_NAME.search(name):
        return True
    return name.endswith(".json") and bool(_LOG_KEYS.search(bundle.head(member, 4096)))


def _is_score_file(bundle: InputBundle, member: Member) -> bool:
    if SCORE_NAME.search(member.name):
        return True
    head = bundle.head(member, 512).lstrip(b"\xef\xbb\xbf")
    return member.name.lower().endswith(".csv") and head.startswith(b"sleep_log_entry_id,")


def members(bundle: InputBundle) -> list[Member]:
    """The Fitbit sleep log and sleep score files of a bundle (detection uses this too)."""
    return bundle.find(lambda m: _is_log_file(bundle, m) or _is_score_file(bundle, m))


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield sleep samples and scores from Fitbit files (one file, a folder or a zip)."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(
                bundle.label,
                "no Fitbit sleep logs found (sleep-YYYY-MM-DD.json, a Web API sleep "
                "response or sleep_score.csv)",
            )
        scores: dict[str, _Score] = {}
        for member in found:
            if _is_score_file(bundle, member):
                yield from _read_scores(bundle, member, scores)
        for member in found:
            if not _is_score_file(bundle, member):
                yield from _read_logs(bundle, member, tz, scores)
        for waiting in scores.values():
            yield from _loose_score(waiting)


def _read_logs(
    bundle: InputBundle,
    member: Member,
    tz: tzinfo,
    scores: dict[str, _Score],
) -> Iterator[Record | ParseIssue]:
    label = bundle.display(member)
    document = read_json(bundle, member)
    if isinstance(document, dict) and isinstance(document.get("sleep"), list):
        document = document["sleep"]  # Web API v1.2: {"sleep": [...], "summary": {...}}
    if not isinstance(document, list):
        yield ParseIssue(label, "expected a JSON array of sleep logs or {'sleep': [...]}")
        return
    for index, log in enumerate(document, 1):
        yield from _log(label, index, log, tz)
        if isinstance(log, dict) and str(log.get("logId")) in scores:
            end = _end_of(log, tz)
            joined = scores.pop(str(log.get("logId")))
            if end is not None:
                yield MetricSample(SOURCE, Metric.SLEEP_SCORE, end, end, joined.score)
                if joined.resting:
                    yield MetricSample(SOURCE, Metric.RESTING_HEART_RATE, end, end, joined.resting)


def _end_of(log: dict[str, object], tz: tzinfo) -> datetime | None:
    try:
        return parse_local(str(log["endTime"]), tz)
    except (KeyError, ValueError):
        return None


def _log(label: str, index: int, log: object, tz: tzinfo) -> Iterator[Record | ParseIssue]:
    if not isinstance(log, dict) or "startTime" not in log or "endTime" not in log:
        yield ParseIssue(label, "expected a sleep log with startTime and endTime", record=index)
        return
    try:
        start = parse_local(str(log["startTime"]), tz)
        end = parse_local(str(log["endTime"]), tz)
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
            elif sample.end > sample.start:
                yield sample


def _level(entry: object, tz: tzinfo) -> SleepSample | None:
    if not isinstance(entry, dict):
        return None
    stage = LEVELS.get(str(entry.get("level", "")).lower())
    seconds = number(entry.get("seconds"))
    if stage is None or seconds is None or seconds < 0 or seconds > 86_400:
        return None
    try:
        start = parse_local(str(entry.get("dateTime")), tz)
    except ValueError:
        return None
    return SleepSample(SOURCE, start, start + timedelta(seconds=seconds), stage)


def _read_scores(
    bundle: InputBundle, member: Member, scores: dict[str, _Score]
) -> Iterator[ParseIssue]:
    table = read_table(bundle, member)
    if not table.has(*SCORE_COLUMNS):
        yield ParseIssue(table.label, f"expected the columns {', '.join(SCORE_COLUMNS)}", line=1)
        return
    for line, row in cells(table):
        score = optional_number(row.get("overall_score"))
        if score is None:
            continue  # Fitbit leaves the score empty for nights it could not score.
        if not 0 <= score <= 100:
            yield ParseIssue(table.label, f"overall_score {score:g} is not 0-100", line=line)
            continue
        resting = optional_number(row.get("resting_heart_rate"))
        scores[row.get("sleep_log_entry_id", "")] = _Score(
            score, resting, row.get("timestamp", ""), table.label, line
        )


def _loose_score(waiting: _Score) -> Iterator[Record | ParseIssue]:
    try:
        at = parse_local(waiting.stamp, UTC)
    except ValueError as error:
        yield ParseIssue(waiting.label, f"sleep score: {error}", line=waiting.line)
        return
    yield MetricSample(SOURCE, Metric.SLEEP_SCORE, at, at, waiting.score)
    if waiting.resting:
        yield MetricSample(SOURCE, Metric.RESTING_HEART_RATE, at, at, waiting.resting)

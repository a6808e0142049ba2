"""Oura sleep: API v2 and v1 JSON, collector dumps and the app's CSV export.

Shapes read:

* API v2 ``sleep`` documents: a list, ``{"data": [...]}`` or a collector dump
  ``{"sleep": {"data": [...]}}``; ``sleep_phase_5_min`` is the hypnogram and
  ``heart_rate`` / ``hrv`` are 5-minute series that may hold nulls.
* API v1 / legacy ``{"sleep": [...]}`` periods: ``hypnogram_5min``, ``hr_5min`` and
  ``rmssd_5min`` from ``bedtime_start``; ``total``, ``deep``, ``light``, ``rem`` and
  ``awake`` in seconds; ``score``.
* The app's data export: ``App Data/sleepmodel.csv`` (semicolons, the v2 field
  names, series as JSON text) and ``dailysleep.csv`` (the daily score).

Phase codes are 1 deep, 2 light, 3 REM, 4 awake in both versions. A period
without a hypnogram keeps its totals as a summary. Daily scores (v2
``daily_sleep``, ``dailysleep.csv``) are placed at the end of that day's longest
period. Every Oura time carries its UTC offset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import fixed, number, read_json
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.tables import cells, read_table
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SleepSummary,
    SourceRef,
    Stage,
)

VENDOR: Final = "oura"
SOURCE: Final = SourceRef(VENDOR, "Oura Ring")
PHASES: Final[dict[str, Stage]] = {
    "1": Stage.DEEP,
    "2": Stage.LIGHT,
    "3": Stage.REM,
    "4": Stage.AWAKE,
}
PHASE_SECONDS: Final = 300
_JSON_CONTENT = re.compile(rb'"(?:bedtime_start|hypnogram_5min|sleep_phase_5_min)"\s*:')
_DAILY_CONTENT = re.compile(rb'"contributors"\s*:')
CSV_NAMES = re.compile(r"(^|/)(sleepmodel|dailysleep)\.csv$", re.IGNORECASE)
V2_TOTALS: Final = (
    (Stage.DEEP, "deep_sleep_duration"),
    (Stage.LIGHT, "light_sleep_duration"),
    (Stage.REM, "rem_sleep_duration"),
    (Stage.AWAKE, "awake_time"),
)
V1_TOTALS: Final = ((Stage.DEEP, "deep"), (Stage.LIGHT, "light"), (Stage.REM, "rem"))


def looks_like(head: bytes) -> bool:
    """True when a JSON file's start names Oura's sleep or daily-sleep fields."""
    return bool(_JSON_CONTENT.search(head) or _DAILY_CONTENT.search(head))


def _accepts(bundle: InputBundle, member: Member) -> bool:
    name = member.name.lower()
    if name.endswith(".json"):
        return looks_like(bundle.head(member, 4096))
    if CSV_NAMES.search(name):
        return True
    return name.endswith(".csv") and b"bedtime_start" in bundle.head(member, 2048)


def members(bundle: InputBundle) -> list[Member]:
    """The Oura JSON and CSV files of a bundle (detection uses this too)."""
    return bundle.find(lambda m: _accepts(bundle, m))


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:  # noqa: ARG001
    """Yield sleep samples, summaries, heart readings and scores from Oura files.

    ``zone`` (every importer's signature) is unused: Oura writes each time with its UTC offset.
    """
    with InputBundle(Path(path)) as bundle:
        found = members(bundle)
        if not found:
            raise InputRejected(
                bundle.label, "no Oura sleep data found (JSON with bedtime_start, sleepmodel.csv)"
            )
        scores: dict[str, float] = {}
        ends: dict[str, tuple[timedelta, datetime]] = {}
        for member in found:
            label = bundle.display(member)
            for entry in _periods(bundle, member):
                if isinstance(entry, ParseIssue):
                    yield entry
                    continue
                index, period = entry
                day_score = _daily_score(period)
                if day_score is not None:
                    scores[day_score[0]] = day_score[1]
                    continue
                for item in _period(label, index, period):
                    if isinstance(item, SleepSample | SleepSummary):
                        _remember_end(ends, period, item)
                    yield item
        for day, score in scores.items():
            if day in ends:
                at = ends[day][1]
                yield MetricSample(SOURCE, Metric.SLEEP_SCORE, at, at, score)


def _remember_end(
    ends: dict[str, tuple[timedelta, datetime]],
    period: Mapping[str, object],
    item: SleepSample | SleepSummary,
) -> None:
    day = str(period.get("day") or period.get("summary_date") or "")
    if not day or (isinstance(item, SleepSample) and item.stage is not Stage.IN_BED):
        return
    length = item.end - item.start
    if day not in ends or length > ends[day][0]:
        ends[day] = (length, item.end)


def _periods(
    bundle: InputBundle, member: Member
) -> Iterator[tuple[int, Mapping[str, object]] | ParseIssue]:
    label = bundle.display(member)
    if member.name.lower().endswith(".csv"):
        table = read_table(bundle, member)
        for line, row in cells(table):
            yield line, {key: _json_cell(value) for key, value in row.items()}
        return
    document = read_json(bundle, member)
    if isinstance(document, dict):
        document = document.get("data", document.get("sleep", document.get("daily_sleep")))
    if isinstance(document, dict):  # collector dumps: {"sleep": {"data": [...]}}
        document = document.get("data")
    if not isinstance(document, list):
        yield ParseIssue(label, "expected a list of sleep periods (or {'data': [...]})")
        return
    for index, period in enumerate(document, 1):
        if isinstance(period, dict):
            yield index, period
        else:
            yield ParseIssue(label, "expected a sleep period object", record=index)


def _json_cell(text: str) -> object:
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def _daily_score(period: Mapping[str, object]) -> tuple[str, float] | None:
    if "bedtime_start" in period or "contributors" not in period and "score" not in period:
        return None
    score = number(period.get("score"))
    day = period.get("day")
    if score is None or not isinstance(day, str) or not 0 <= score <= 100:
        return None
    return day, score


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return fixed(moment)


def _period(label: str, index: int, period: Mapping[str, object]) -> Iterator[Record | ParseIssue]:
    try:
        start = _time(period.get("bedtime_start"))
        end = _time(period.get("bedtime_end"))
    except ValueError as error:
        yield ParseIssue(label, f"bad bedtime_start/bedtime_end ({error})", record=index)
        return
    if end < start:
        yield ParseIssue(label, "sleep period ends before it starts", record=index)
        return
    phases = period.get("sleep_phase_5_min") or period.get("hypnogram_5min")
    if isinstance(phases, str) and phases and any(code in PHASES for code in phases):
        yield SleepSample(SOURCE, start, end, Stage.IN_BED)
        for offset, code in enumerate(phases):
            stage = PHASES.get(code)
            if stage is None:
                continue
            begin = start + timedelta(seconds=offset * PHASE_SECONDS)
            yield SleepSample(SOURCE, begin, begin + timedelta(seconds=PHASE_SECONDS), stage)
    else:
        fields = V2_TOTALS if "deep_sleep_duration" in period else (*V1_TOTALS, V2_TOTALS[3])
        totals = [(stage, number(period.get(key))) for stage, key in fields]
        if "awake" in period and "awake_time" not in period:
            totals[-1] = (Stage.AWAKE, number(period.get("awake")))
        yield SleepSummary(
            SOURCE, start, end, tuple((s, int(v)) for s, v in totals if v is not None and v >= 0)
        )
    yield from _series(period.get("heart_rate"), Metric.HEART_RATE)
    yield from _series(period.get("hrv"), Metric.HRV_RMSSD)
    yield from _v1_series(period.get("hr_5min"), start, Metric.HEART_RATE)
    yield from _v1_series(period.get("rmssd_5min"), start, Metric.HRV_RMSSD)
    score = number(period.get("score"))
    if score is not None and 0 < score <= 100:
        yield MetricSample(SOURCE, Metric.SLEEP_SCORE, end, end, score)


def _series(series: object, metric: Metric) -> Iterator[MetricSample]:
    if not isinstance(series, dict) or not isinstance(series.get("items"), list):
        return
    interval = number(series.get("interval")) or PHASE_SECONDS
    try:
        first = _time(series.get("timestamp"))
    except ValueError:
        return
    for offset, value in enumerate(series["items"]):
        reading = number(value)
        if reading is not None and reading > 0:
            moment = first + timedelta(seconds=offset * interval)
            yield MetricSample(SOURCE, metric, moment, moment, reading)


def _v1_series(values: object, start: datetime, metric: Metric) -> Iterator[MetricSample]:
    """v1's ``hr_5min`` / ``rmssd_5min``: one value per 5 minutes from bed time, 0 = none."""
    if not isinstance(values, list):
        return
    for offset, value in enumerate(values):
        reading = number(value)
        if reading is not None and reading > 0:
            moment = start + timedelta(seconds=offset * PHASE_SECONDS)
            yield MetricSample(SOURCE, metric, moment, moment, reading)

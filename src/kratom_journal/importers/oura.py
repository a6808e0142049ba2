"""Oura sleep periods in the shape of the Oura API v2 ``sleep`` document (JSON).

Accepts a list of sleep documents, or an object holding one under ``data`` or
``sleep``. ``sleep_phase_5_min`` gives the hypnogram (1 deep, 2 light, 3 REM,
4 awake); without it the period's totals are kept as a summary. Heart rate and HRV
(RMSSD) arrive as 5-minute series that may contain nulls.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import fixed, number, read_json
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
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


def looks_like(head: bytes) -> bool:
    """True when a JSON file's start mentions Oura's sleep fields."""
    return b"bedtime_start" in head


def members(bundle: InputBundle) -> list[Member]:
    if bundle.kind == "file":
        return bundle.members()
    return [
        m
        for m in bundle.find(lambda m: m.name.lower().endswith(".json"))
        if looks_like(bundle.head(m, 4096))
    ]


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:  # noqa: ARG001
    """Yield sleep samples, summaries and heart readings from Oura JSON.

    ``zone`` (every importer's signature) is unused: Oura writes each time with its UTC offset.
    """
    with InputBundle(Path(path)) as bundle:
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, "no Oura sleep JSON (with bedtime_start) found")
        for member in found:
            label = bundle.display(member)
            document = read_json(bundle, member)
            if isinstance(document, dict):
                document = document.get("data", document.get("sleep"))
            if not isinstance(document, list):
                yield ParseIssue(label, "expected a list of sleep periods (or {'data': [...]})")
                continue
            for index, period in enumerate(document, 1):
                yield from _period(label, index, period)


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return fixed(moment)


def _period(label: str, index: int, period: object) -> Iterator[Record | ParseIssue]:
    if not isinstance(period, dict):
        yield ParseIssue(label, "expected a sleep period object", record=index)
        return
    try:
        start = _time(period.get("bedtime_start"))
        end = _time(period.get("bedtime_end"))
    except ValueError as error:
        yield ParseIssue(label, f"bad bedtime_start/bedtime_end ({error})", record=index)
        return
    if end < start:
        yield ParseIssue(label, "sleep period ends before it starts", record=index)
        return
    phases = period.get("sleep_phase_5_min")
    if isinstance(phases, str) and phases:
        yield SleepSample(SOURCE, start, end, Stage.IN_BED)
        for offset, code in enumerate(phases):
            stage = PHASES.get(code)
            if stage is None:
                continue
            begin = start + timedelta(seconds=offset * PHASE_SECONDS)
            yield SleepSample(SOURCE, begin, begin + timedelta(seconds=PHASE_SECONDS), stage)
    else:
        totals = (
            (Stage.DEEP, number(period.get("deep_sleep_duration"))),
            (Stage.LIGHT, number(period.get("light_sleep_duration"))),
            (Stage.REM, number(period.get("rem_sleep_duration"))),
            (Stage.AWAKE, number(period.get("awake_time"))),
        )
        yield SleepSummary(
            SOURCE, start, end, tuple((s, int(v)) for s, v in totals if v is not None and v >= 0)
        )
    yield from _series(period.get("heart_rate"), Metric.HEART_RATE)
    yield from _series(period.get("hrv"), Metric.HRV_RMSSD)


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

"""Garmin sleep: the account data export and Garmin Connect API JSON.

* Export (``DI_CONNECT/DI-Connect-Wellness/*_sleepData.json``): a JSON array of
  nightly totals without a stage timeline; each night becomes a
  :class:`SleepSummary`.
* Connect API (``{"dailySleepDTO": {...}, "sleepLevels": [...], ...}``, alone or in a
  list): the summary plus the stage timeline (``activityLevel`` 0 deep, 1 light,
  2 REM, 3 awake), overnight heart rate, HRV, resting heart rate and the score.

Times are GMT (ISO text or epoch milliseconds). The local offset comes from the
``…Local`` timestamps when present, otherwise from the zone the import uses. A
window Garmin did not confirm (``"sleepWindowConfirmationType": "UNCONFIRMED"``)
with no stage time is Garmin saying "sleep not detected": it is skipped, never a
night.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import fixed, number, read_json, zone_info
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

VENDOR: Final = "garmin"
SOURCE: Final = SourceRef(VENDOR, "Garmin")
FILE_NAME = re.compile(r"sleepData\.json$", re.IGNORECASE)
_CONTENT = re.compile(rb'"(?:sleepStartTimestampGMT|dailySleepDTO)"\s*:')
STAGE_FIELDS: Final = (
    (Stage.DEEP, "deepSleepSeconds"),
    (Stage.LIGHT, "lightSleepSeconds"),
    (Stage.REM, "remSleepSeconds"),
    (Stage.AWAKE, "awakeSleepSeconds"),
)
LEVELS: Final[dict[int, Stage]] = {0: Stage.DEEP, 1: Stage.LIGHT, 2: Stage.REM, 3: Stage.AWAKE}
NOT_DETECTED: Final = "sleep window not confirmed and no sleep in it (Garmin: sleep not detected)"


def members(bundle: InputBundle) -> list[Member]:
    """The Garmin sleep JSON files of a bundle (detection uses this too)."""
    return bundle.find(
        lambda m: (
            bool(FILE_NAME.search(m.name))
            or (m.name.lower().endswith(".json") and bool(_CONTENT.search(bundle.head(m, 4096))))
        )
    )


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield sleep summaries, stage timelines and overnight readings per Garmin night."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(
                bundle.label, "no Garmin sleep JSON found (*_sleepData.json or dailySleepDTO)"
            )
        for member in found:
            label = bundle.display(member)
            document = read_json(bundle, member)
            items = document if isinstance(document, list) else [document]
            for index, item in enumerate(items, 1):
                if isinstance(item, dict) and isinstance(item.get("dailySleepDTO"), dict):
                    yield from _night(label, index, item["dailySleepDTO"], tz, item)
                elif isinstance(item, dict) and "sleepStartTimestampGMT" in item:
                    yield from _night(label, index, item, tz, {})
                else:
                    yield ParseIssue(label, "expected a Garmin sleep record", record=index)


def _gmt(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _local_zone(night: Mapping[str, object], start: datetime, tz: tzinfo) -> tzinfo:
    local = night.get("sleepStartTimestampLocal")
    if local is None:
        return tz
    try:
        delta = _gmt(local).replace(tzinfo=None) - start.replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return tz
    minutes = round(delta.total_seconds() / 60)
    if abs(minutes) > 18 * 60:
        return tz
    return timezone(timedelta(minutes=minutes))


def _place(moment: datetime, zone: tzinfo) -> datetime:
    return fixed(moment.astimezone(zone))


def _night(
    label: str,
    index: int,
    night: Mapping[str, object],
    tz: tzinfo,
    extra: Mapping[str, object],
) -> Iterator[Record | ParseIssue]:
    try:
        start = _gmt(night.get("sleepStartTimestampGMT"))
        end = _gmt(night.get("sleepEndTimestampGMT"))
    except (TypeError, ValueError, OverflowError, OSError):
        yield ParseIssue(label, "missing or bad sleepStart/EndTimestampGMT", record=index)
        return
    if end < start:
        yield ParseIssue(label, "sleep record ends before it starts", record=index)
        return
    totals = []
    for stage, key in STAGE_FIELDS:
        seconds = number(night.get(key))
        if seconds is not None and seconds >= 0:
            totals.append((stage, int(seconds)))
    unconfirmed = str(night.get("sleepWindowConfirmationType", "")).upper() == "UNCONFIRMED"
    if unconfirmed and not any(s for stage, s in totals if stage is not Stage.AWAKE):
        yield ParseIssue(label, NOT_DETECTED, record=index)
        return
    zone = _local_zone(night, start, tz)
    start, end = _place(start, zone), _place(end, zone)
    timeline = list(_levels(extra.get("sleepLevels"), zone))
    if timeline:
        yield SleepSample(SOURCE, start, end, Stage.IN_BED)
        yield from timeline
    else:
        awakenings = number(night.get("awakeCount"))
        yield SleepSummary(
            SOURCE, start, end, tuple(totals), None if awakenings is None else int(awakenings)
        )
    yield from _readings(night, extra, start, end, zone)


def _levels(levels: object, zone: tzinfo) -> Iterator[SleepSample]:
    if not isinstance(levels, list):
        return
    for level in levels:
        if not isinstance(level, dict):
            continue
        code = number(level.get("activityLevel"))
        stage = LEVELS.get(int(code)) if code is not None and code == int(code) else None
        try:
            begin, finish = _gmt(level.get("startGMT")), _gmt(level.get("endGMT"))
        except (TypeError, ValueError, OverflowError, OSError):
            continue
        if stage is not None and finish > begin:
            yield SleepSample(SOURCE, _place(begin, zone), _place(finish, zone), stage)


def _readings(
    night: Mapping[str, object],
    extra: Mapping[str, object],
    start: datetime,
    end: datetime,
    zone: tzinfo,
) -> Iterator[MetricSample]:
    middle = start + (end - start) / 2
    series = extra.get("sleepHeartRate")
    if isinstance(series, list) and series:
        for point in series:
            if not isinstance(point, dict):
                continue
            bpm = number(point.get("value"))
            try:
                at = _place(_gmt(point.get("startGMT")), zone)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
            if bpm is not None and 0 < bpm < 300:
                yield MetricSample(SOURCE, Metric.HEART_RATE, at, at, bpm)
    else:
        spo2 = night.get("spo2SleepSummary")
        heart = number(spo2.get("averageHR")) if isinstance(spo2, dict) else None
        if heart is not None and heart > 0:
            yield MetricSample(SOURCE, Metric.HEART_RATE, middle, middle, heart)
    for value, metric, at in (
        (night.get("averageRespirationValue"), Metric.RESPIRATORY_RATE, middle),
        (extra.get("restingHeartRate"), Metric.RESTING_HEART_RATE, end),
        (extra.get("avgOvernightHrv"), Metric.HRV_RMSSD, end),
        (_score(night), Metric.SLEEP_SCORE, end),
    ):
        reading = number(value)
        if reading is not None and reading > 0:
            yield MetricSample(SOURCE, metric, at, at, reading)


def _score(night: Mapping[str, object]) -> object:
    scores = night.get("sleepScores")
    if isinstance(scores, dict):
        overall = scores.get("overall")
        if isinstance(overall, dict):
            return overall.get("value")
    return None

"""Derive nights from raw wearable samples.

Several sources often record the same night (a watch, the phone, a third-party
app). Durations are never added across sources: each source's samples are
clustered into sessions, every session is given to the night of its evening, one
source is chosen per night by priority, and its stages are flattened onto a single
timeline so overlapping samples of that source count once. The other sources'
nights are kept (``chosen=False``) so the choice can be changed later.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone

from kratom_journal.domain.entries import night_of
from kratom_journal.sleep.samples import (
    ASLEEP_STAGES,
    STAGED,
    Metric,
    MetricSample,
    Night,
    SleepSample,
    SleepSummary,
    SourceRef,
    Stage,
    StageMinutes,
)

SESSION_GAP = timedelta(minutes=90)
"""A gap longer than this between one source's samples starts a new session."""

NAP_MAX = timedelta(hours=4)

SHORT_SESSION = timedelta(hours=2)
"""An in-bed-only session shorter than this is never a night (the phone's 47-minute
morning "In Bed" record); a session with sleep shorter than this is a nap when it lies
more than :data:`NAP_DISTANCE` from the night's main session."""

NAP_DISTANCE = timedelta(hours=2)

SCORE_AFTER = timedelta(hours=3)
"""A vendor's score of a night is looked for from bed time to this long after rising."""

LONGEST_SAMPLE = timedelta(hours=24)
"""Sleep samples longer than this are implausible and left out of nights (kept raw)."""

# Which stage wins where samples of one source overlap (first wins).
PRECEDENCE: tuple[Stage, ...] = (
    Stage.OUT_OF_BED,
    Stage.AWAKE,
    Stage.REM,
    Stage.DEEP,
    Stage.LIGHT,
    Stage.ASLEEP_UNSPECIFIED,
    Stage.UNKNOWN,
    Stage.IN_BED,
)
_RANK = {stage: index for index, stage in enumerate(PRECEDENCE)}

WEARABLE_VENDORS = frozenset({"fitbit", "oura", "garmin", "samsung"})
WEARABLE_WORDS = (
    "watch",
    "ring",
    "oura",
    "fitbit",
    "garmin",
    "whoop",
    "withings",
    "polar",
    "amazfit",
    "galaxy",
    "wear",
)

TIER_STAGED_WEARABLE = 1
TIER_STAGED = 2
TIER_ASLEEP = 3
TIER_IN_BED = 4

Segment = tuple[Stage, datetime, datetime]
MetricLookup = Callable[[Sequence[tuple[datetime, datetime]]], Mapping[Metric, list[float]]]
"""Values of each metric measured within any of the given time windows."""


def is_wearable(source: SourceRef) -> bool:
    """True for a watch or ring, judged by vendor, app and device names."""
    if source.vendor in WEARABLE_VENDORS:
        return True
    text = f"{source.name} {source.device or ''}".casefold()
    return any(word in text for word in WEARABLE_WORDS)


def parse_priority(setting: str | None) -> tuple[str, ...]:
    """Split the ``sleep-source-priority`` setting (comma-separated names).

    >>> parse_priority(" Oura , Apple Watch,,")
    ('oura', 'apple watch')
    """
    if not setting:
        return ()
    return tuple(part.strip().casefold() for part in setting.split(",") if part.strip())


def priority_rank(source: SourceRef, priority: Sequence[str]) -> int:
    """Position of the first priority entry naming this source (vendor, app or device)."""
    names = {
        source.name.casefold(),
        source.vendor.casefold(),
        f"{source.vendor}:{source.name}".casefold(),
    }
    device = (source.device or "").casefold()
    for index, wanted in enumerate(priority):
        if wanted in names or (device and f"name:{wanted}," in device):
            return index
    return len(priority)


# ------------------------------------------------------------------- sessions


@dataclass(slots=True)
class _Session:
    source: SourceRef
    samples: list[SleepSample]
    start: datetime
    end: datetime
    summary: SleepSummary | None = None

    def night(self) -> date | None:
        """Evening date of the session, or ``None`` for a nap or a short in-bed record."""
        anchor = self.summary.start if self.summary else self.samples[0].start
        midpoint = (self.start + (self.end - self.start) / 2).astimezone(anchor.tzinfo)
        if 12 <= midpoint.hour < 18 and self.end - self.start < NAP_MAX:
            return None
        if not self.asleep_seconds() and self.end - self.start < SHORT_SESSION:
            return None
        return night_of(midpoint)

    def asleep_seconds(self) -> float:
        """Seconds of sleep the session records (any stage), overlaps counted once."""
        if self.summary is not None:
            return float(sum(s for k, s in self.summary.stage_seconds if k in ASLEEP_STAGES))
        asleep = [s for s in self.samples if s.stage in ASLEEP_STAGES]
        if not asleep:
            return 0.0
        return sum((e - b).total_seconds() for b, e in _union((s.start, s.end) for s in asleep))


def _union(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def main_sessions(found: Sequence[_Session]) -> list[_Session]:
    """The sessions of one source's night that make the night; naps and stray records go.

    With a session that has sleep in it, the in-bed-only sessions (records outside
    the main sleep) are dropped, and so are short sessions far from the longest
    sleep (naps). A split night (asleep, up for a while, asleep again) stays whole.
    """
    if len(found) < 2:
        return list(found)
    sleeping = [s for s in found if s.asleep_seconds() > 0]
    if not sleeping:
        return list(found)
    main = max(sleeping, key=lambda s: (s.asleep_seconds(), s.end - s.start))
    kept = []
    for session in sleeping:
        short = session.end - session.start < SHORT_SESSION
        far = session.start - main.end > NAP_DISTANCE or main.start - session.end > NAP_DISTANCE
        if session is main or not (short and far):
            kept.append(session)
    return kept


def cluster_sessions(
    samples: Iterable[SleepSample], gap: timedelta = SESSION_GAP
) -> list[_Session]:
    """Group each source's samples into sessions separated by more than ``gap``."""
    by_source: dict[SourceRef, list[SleepSample]] = defaultdict(list)
    for sample in samples:
        by_source[sample.source].append(sample)
    sessions: list[_Session] = []
    for source, items in by_source.items():
        items.sort(key=lambda s: (s.start, s.end))
        current: _Session | None = None
        for sample in items:
            if current is None or sample.start - current.end > gap:
                current = _Session(source, [sample], sample.start, sample.end)
                sessions.append(current)
            else:
                current.samples.append(sample)
                current.end = max(current.end, sample.end)
    return sessions


# ------------------------------------------------------------------- timeline


def flatten(samples: Sequence[SleepSample]) -> list[Segment]:
    """One non-overlapping timeline from one source's samples.

    Where samples overlap, the stage earlier in :data:`PRECEDENCE` wins
    (awake > REM > deep > light > unspecified > in bed), so the same minute is
    never counted twice.
    """
    events: list[tuple[datetime, int, Stage]] = []
    for sample in samples:
        if sample.end > sample.start:
            events.append((sample.start, 1, sample.stage))
            events.append((sample.end, -1, sample.stage))
    events.sort(key=lambda e: (e[0], e[1]))
    active = [0] * len(PRECEDENCE)
    timeline: list[Segment] = []
    previous: datetime | None = None
    for moment, delta, stage in events:
        if previous is not None and moment > previous:
            winner = next((PRECEDENCE[i] for i, n in enumerate(active) if n > 0), None)
            if winner is not None:
                if timeline and timeline[-1][0] is winner and timeline[-1][2] == previous:
                    timeline[-1] = (winner, timeline[-1][1], moment)
                else:
                    timeline.append((winner, previous, moment))
        active[_RANK[stage]] += delta
        previous = moment
    return timeline


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _seconds(segments: Iterable[Segment], stages: Iterable[Stage]) -> float:
    wanted = set(stages)
    return sum((end - start).total_seconds() for stage, start, end in segments if stage in wanted)


def night_from_samples(
    night: date, source: SourceRef, samples: Sequence[SleepSample], metrics: MetricLookup
) -> Night | None:
    """Measures of one source's night, from its samples (``None`` if they span no time)."""
    timeline = [s for s in flatten(samples) if s[0] is not Stage.OUT_OF_BED]
    if not timeline:
        return None
    stages_present = {s[0] for s in timeline}
    asleep = [s for s in timeline if s[0] in ASLEEP_STAGES]
    staged = bool(stages_present & STAGED)
    bed_info = bool(stages_present & {Stage.IN_BED, Stage.AWAKE, Stage.UNKNOWN})
    tib = sum((end - start).total_seconds() for _stage, start, end in timeline)
    bed_at, out_at = timeline[0][1], timeline[-1][2]
    tst: float | None = None
    sol = waso = None
    awakenings: int | None = None
    if asleep:
        tst = _seconds(asleep, ASLEEP_STAGES)
        onset, final = asleep[0][1], asleep[-1][2]
        if bed_info:
            sol = (onset - bed_at).total_seconds()
            inside = [s for s in timeline if onset <= s[1] and s[2] <= final]
            waso = sum(
                (end - start).total_seconds()
                for stage, start, end in inside
                if stage not in ASLEEP_STAGES
            )
        if bed_info or staged:
            awakenings = sum(
                1 for before, after in zip(asleep, asleep[1:], strict=False) if after[1] > before[2]
            )
    stage_minutes = None
    if staged:
        stage_minutes = StageMinutes(
            awake=_minutes(timedelta(seconds=_seconds(timeline, [Stage.AWAKE]))),
            light=_minutes(timedelta(seconds=_seconds(timeline, [Stage.LIGHT]))),
            deep=_minutes(timedelta(seconds=_seconds(timeline, [Stage.DEEP]))),
            rem=_minutes(timedelta(seconds=_seconds(timeline, [Stage.REM]))),
            unspecified=_minutes(timedelta(seconds=_seconds(timeline, [Stage.ASLEEP_UNSPECIFIED]))),
        )
    if staged:
        tier = TIER_STAGED_WEARABLE if is_wearable(source) else TIER_STAGED
    else:
        tier = TIER_ASLEEP if asleep else TIER_IN_BED
    windows = _merge_windows([(s[1], s[2]) for s in asleep]) or [(bed_at, out_at)]
    result = Night(
        night=night,
        source=source,
        tier=tier,
        bed_at=bed_at,
        out_at=out_at,
        time_in_bed_min=_minutes(timedelta(seconds=tib)),
        total_sleep_min=None if tst is None else _minutes(timedelta(seconds=tst)),
        sleep_onset_latency_min=None if sol is None else _minutes(timedelta(seconds=sol)),
        waso_min=None if waso is None else _minutes(timedelta(seconds=waso)),
        awakenings=awakenings,
        stages=stage_minutes,
        samples=len(samples),
    )
    return _with_metrics(result, windows, metrics)


def _merge_windows(
    windows: list[tuple[datetime, datetime]],
) -> list[tuple[datetime, datetime]]:
    """Join windows that touch, so a reading on a shared edge is counted once."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def night_from_summary(night: date, summary: SleepSummary, metrics: MetricLookup) -> Night:
    """Measures of a night known only by stage totals (no timeline)."""
    seconds = dict(summary.stage_seconds)
    tib = (summary.end - summary.start).total_seconds()
    asleep = sum(v for k, v in seconds.items() if k in ASLEEP_STAGES)
    staged = any(seconds.get(stage, 0) > 0 for stage in STAGED)
    tst = min(float(asleep), tib) if asleep else None
    stage_minutes = None
    if staged:
        stage_minutes = StageMinutes(
            awake=_minutes(timedelta(seconds=seconds.get(Stage.AWAKE, 0))),
            light=_minutes(timedelta(seconds=seconds.get(Stage.LIGHT, 0))),
            deep=_minutes(timedelta(seconds=seconds.get(Stage.DEEP, 0))),
            rem=_minutes(timedelta(seconds=seconds.get(Stage.REM, 0))),
            unspecified=_minutes(timedelta(seconds=seconds.get(Stage.ASLEEP_UNSPECIFIED, 0))),
        )
    if staged:
        tier = TIER_STAGED_WEARABLE if is_wearable(summary.source) else TIER_STAGED
    else:
        tier = TIER_ASLEEP if asleep else TIER_IN_BED
    result = Night(
        night=night,
        source=summary.source,
        tier=tier,
        bed_at=summary.start,
        out_at=summary.end,
        time_in_bed_min=_minutes(timedelta(seconds=tib)),
        total_sleep_min=None if tst is None else _minutes(timedelta(seconds=tst)),
        sleep_onset_latency_min=None,
        waso_min=None,
        awakenings=summary.awakenings,
        stages=stage_minutes,
        samples=1,
    )
    return _with_metrics(result, [(summary.start, summary.end)], metrics)


def _with_metrics(
    result: Night, windows: Sequence[tuple[datetime, datetime]], metrics: MetricLookup
) -> Night:
    """Add heart rate, HRV and breathing rate measured while asleep."""
    values = metrics(windows)
    scores = metrics([(result.bed_at, result.out_at + SCORE_AFTER)]).get(Metric.SLEEP_SCORE)
    if scores:
        result = replace(result, sleep_score=scores[-1])
    if not values:
        return result

    def mean(metric: Metric) -> float | None:
        items = values.get(metric)
        return round(sum(items) / len(items), 1) if items else None

    heart = values.get(Metric.HEART_RATE)
    return replace(
        result,
        heart_rate_mean=mean(Metric.HEART_RATE),
        heart_rate_min=min(heart) if heart else None,
        hrv_sdnn_mean=mean(Metric.HRV_SDNN),
        hrv_rmssd_mean=mean(Metric.HRV_RMSSD),
        respiratory_rate_mean=mean(Metric.RESPIRATORY_RATE),
    )


def fixed_offset(moment: datetime) -> datetime:
    """The same instant with a fixed-offset tzinfo.

    Python compares and subtracts datetimes sharing one ``ZoneInfo`` by wall clock,
    which is wrong across a daylight-saving change; fixed offsets make it exact.
    """
    if type(moment.tzinfo) is timezone:
        return moment
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("sample time has no UTC offset")
    return moment.astimezone(timezone(offset))


def _fixed_sample(item: SleepSample | SleepSummary) -> SleepSample | SleepSummary:
    if type(item.start.tzinfo) is timezone and type(item.end.tzinfo) is timezone:
        return item
    return replace(item, start=fixed_offset(item.start), end=fixed_offset(item.end))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since 1970-01-01 UTC."""
    return (moment - _EPOCH) // _MILLISECOND


class MetricIndex:
    """Metric readings sorted by time, queried by windows without building objects.

    ``rows`` are ``(epoch milliseconds, metric, value)``.
    """

    def __init__(self, rows: list[tuple[int, Metric, float]]) -> None:
        rows.sort(key=lambda row: row[0])
        self._rows = rows
        self._starts = [row[0] for row in rows]

    def __call__(self, windows: Sequence[tuple[datetime, datetime]]) -> dict[Metric, list[float]]:
        values: dict[Metric, list[float]] = defaultdict(list)
        rows, starts = self._rows, self._starts
        for start, end in windows:
            low = bisect.bisect_left(starts, epoch_ms(start))
            high = bisect.bisect_right(starts, epoch_ms(end))
            for index in range(low, high):
                _at, metric, value = rows[index]
                values[metric].append(value)
        return values


def metric_lookup(samples: Iterable[MetricSample]) -> MetricLookup:
    """A lookup over an in-memory list of metric samples."""
    return MetricIndex([(epoch_ms(s.start), s.metric, s.value) for s in samples])


def _no_metrics(_windows: Sequence[tuple[datetime, datetime]]) -> Mapping[Metric, list[float]]:
    return {}


# ------------------------------------------------------------------- choosing


def choose(candidates: Sequence[Night], priority: Sequence[str] = ()) -> list[Night]:
    """Mark the one night to use among several sources' nights for the same date.

    Order: the user's priority list, then tier (staged watch/ring, other staged,
    asleep without stages, in bed only), then the longer sleep, then the name.
    """
    ranked = sorted(
        candidates,
        key=lambda n: (
            priority_rank(n.source, priority),
            n.tier,
            -(n.total_sleep_min or 0.0),
            -n.time_in_bed_min,
            n.source.vendor,
            n.source.name,
            n.source.device or "",
        ),
    )
    return [replace(n, chosen=(i == 0)) for i, n in enumerate(ranked)]


def derive_nights(
    samples: Iterable[SleepSample | SleepSummary],
    metrics: MetricLookup | Iterable[MetricSample] | None = None,
    priority: Sequence[str] = (),
    only: set[date] | None = None,
) -> list[Night]:
    """Every source's night per evening date, with one marked ``chosen``.

    Parameters
    ----------
    samples
        Sleep samples and summaries from any number of sources.
    metrics
        Heart-rate, HRV and breathing-rate samples, or a lookup returning those in a
        time window.
    priority
        Lower-cased source names from the ``sleep-source-priority`` setting.
    only
        If given, derive only these nights.
    """
    if metrics is None:
        lookup: MetricLookup = _no_metrics
    elif callable(metrics):
        lookup = metrics
    else:
        lookup = metric_lookup(metrics)
    plain: list[SleepSample] = []
    sessions: list[_Session] = []
    for original in samples:
        if original.end - original.start > LONGEST_SAMPLE:
            continue
        item = _fixed_sample(original)
        if isinstance(item, SleepSummary):
            sessions.append(_Session(item.source, [], item.start, item.end, summary=item))
        else:
            plain.append(item)
    sessions.extend(cluster_sessions(plain))
    grouped: dict[tuple[date, SourceRef], list[_Session]] = defaultdict(list)
    for session in sessions:
        night = session.night()
        if night is not None and (only is None or night in only):
            grouped[(night, session.source)].append(session)
    per_night: dict[date, list[Night]] = defaultdict(list)
    for (night, source), everything in grouped.items():
        found = main_sessions(everything)
        timelines = [s for s in found if s.summary is None]
        if timelines:
            merged = [sample for s in timelines for sample in s.samples]
            derived = night_from_samples(night, source, merged, lookup)
            if derived is not None:
                per_night[night].append(derived)
        else:
            summaries = [s.summary for s in found if s.summary is not None]
            longest = max(summaries, key=lambda s: s.end - s.start)
            per_night[night].append(night_from_summary(night, longest, lookup))
    result: list[Night] = []
    for night in sorted(per_night):
        result.extend(choose(per_night[night], priority))
    return result

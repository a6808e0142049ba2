"""Records produced by wearable parsers, shared by importers, night derivation and storage.

Pure types only: no I/O. Every instant is an aware datetime carrying the UTC offset
the recording device wrote, so a night can be placed on the wearer's local evening
even when they travelled or the clocks changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Stage(StrEnum):
    """Sleep states every source is mapped to.

    ``light`` covers Apple's *core* (AASM N1+N2) and vendors' *light* stages.
    """

    IN_BED = "in_bed"
    AWAKE = "awake"
    ASLEEP_UNSPECIFIED = "asleep_unspecified"
    LIGHT = "light"
    DEEP = "deep"
    REM = "rem"
    OUT_OF_BED = "out_of_bed"
    UNKNOWN = "unknown"


ASLEEP_STAGES: frozenset[Stage] = frozenset(
    {Stage.ASLEEP_UNSPECIFIED, Stage.LIGHT, Stage.DEEP, Stage.REM}
)
"""Stages counted as sleep."""

STAGED: frozenset[Stage] = frozenset({Stage.LIGHT, Stage.DEEP, Stage.REM})
"""Stages that only a staging device (watch, ring) reports."""


class Metric(StrEnum):
    """Physiological measurements kept beside sleep."""

    HEART_RATE = "heart_rate"
    RESTING_HEART_RATE = "resting_heart_rate"
    HRV_SDNN = "hrv_sdnn"
    HRV_RMSSD = "hrv_rmssd"
    RESPIRATORY_RATE = "respiratory_rate"
    SLEEP_SCORE = "sleep_score"
    """The vendor's own 0-100 score of a night (Fitbit, Oura, Whoop, Withings)."""


WINDOWED_METRICS: frozenset[Metric] = frozenset({Metric.HEART_RATE, Metric.RESPIRATORY_RATE})
"""Readings taken all day; only those in and around sleep are kept."""

METRIC_UNITS: dict[Metric, str] = {
    Metric.HEART_RATE: "count/min",
    Metric.RESTING_HEART_RATE: "count/min",
    Metric.HRV_SDNN: "ms",
    Metric.HRV_RMSSD: "ms",
    Metric.RESPIRATORY_RATE: "count/min",
    Metric.SLEEP_SCORE: "score",
}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Who recorded a sample: the export format, the app or device name, its version."""

    vendor: str
    name: str
    version: str | None = None
    device: str | None = None

    @property
    def label(self) -> str:
        """A short human name such as ``"Apple Watch (apple-health)"``."""
        return f"{self.name} ({self.vendor})"


@dataclass(frozen=True, slots=True)
class SleepSample:
    """One interval in one sleep state, as the source wrote it."""

    source: SourceRef
    start: datetime
    end: datetime
    stage: Stage


@dataclass(frozen=True, slots=True)
class MetricSample:
    """One heart-rate, HRV, resting-heart-rate or respiratory-rate reading."""

    source: SourceRef
    metric: Metric
    start: datetime
    end: datetime
    value: float


@dataclass(frozen=True, slots=True)
class SleepSummary:
    """A whole sleep period known only by totals (no stage timeline), e.g. Garmin's export.

    ``stage_seconds`` maps stages to their total seconds within ``start``..``end``.
    """

    source: SourceRef
    start: datetime
    end: datetime
    stage_seconds: tuple[tuple[Stage, int], ...] = ()
    awakenings: int | None = None


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """A problem found while reading an export.

    ``severity`` is ``"warning"`` when the record was still read (for example an
    illegal control character that was removed) and ``"error"`` when the record, or
    the rest of the file, could not be read.
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    record: int | None = None
    severity: str = "error"

    def describe(self) -> str:
        """One line naming the file, the place in it and the problem."""
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        elif self.record is not None:
            where += f", record {self.record}"
        return f"{where}: {self.message}"


Record = SleepSample | MetricSample | SleepSummary
"""Anything a parser yields besides :class:`ParseIssue`."""


@dataclass(frozen=True, slots=True)
class StageMinutes:
    """Minutes per flattened stage within one night."""

    awake: float = 0.0
    light: float = 0.0
    deep: float = 0.0
    rem: float = 0.0
    unspecified: float = 0.0


@dataclass(frozen=True, slots=True)
class Night:
    """One night of one source, derived from its samples.

    ``night`` is the date of the evening the night began (as in the sleep diary).
    Durations are minutes; ``None`` means the source's data cannot tell.
    """

    night: date
    source: SourceRef
    tier: int
    bed_at: datetime
    out_at: datetime
    time_in_bed_min: float
    total_sleep_min: float | None
    sleep_onset_latency_min: float | None
    waso_min: float | None
    awakenings: int | None
    stages: StageMinutes | None
    heart_rate_mean: float | None = None
    heart_rate_min: float | None = None
    hrv_sdnn_mean: float | None = None
    hrv_rmssd_mean: float | None = None
    respiratory_rate_mean: float | None = None
    sleep_score: float | None = None
    samples: int = 0
    chosen: bool = False

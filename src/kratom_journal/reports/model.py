"""The clinician report as data: every section a template renders, and nothing to compute.

:mod:`kratom_journal.reports.clinician` fills these from what
:mod:`kratom_journal.services.report` reads; :mod:`kratom_journal.reports.render`
turns them into HTML and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kratom_journal import __version__
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.services.report import Period

__all__ = [
    "ASSOCIATION_CAVEAT",
    "LIMITS",
    "AnalysisSection",
    "ClinicianReport",
    "CrisisSection",
    "InstrumentSeries",
    "KratomSection",
    "MedicationSection",
    "Period",
    "ScoreBand",
    "SleepLogRow",
    "SleepSection",
]

LIMITS = (
    "All data are self-reported by the person in their own journal; nothing was measured or "
    "verified by a clinician.",
    "Diary sleep is not measured sleep: compared with EEG the Consensus Sleep Diary tends to "
    "overestimate total sleep time (by about 40 minutes) and sleep efficiency, while its timing "
    "is accurate (Dietch et al., J Clin Sleep Med 2021). Wearable figures are device estimates "
    "and differ from both.",
    "Analyses of the journal show associations within one person's data, not proof of cause; "
    "only the randomized self-experiments, where listed, estimate an effect.",
    "This report gives no dosing advice and does not recommend any amount, product or strain, "
    "nor starting, continuing or stopping use.",
    "PHQ-9 and GAD-7 are screening and monitoring questionnaires; a score is not a diagnosis.",
)

ASSOCIATION_CAVEAT = (
    "Association, not proof: these are patterns in the person's own observational data, "
    "adjusted for multiple comparisons; they do not show that kratom caused them."
)


@dataclass
class CrisisSection:
    """Answers in the period that call for crisis resources, and the resources themselves."""

    answers: list[dict[str, Any]]
    notice: dict[str, Any]
    resources: CrisisNotice


@dataclass(frozen=True)
class SleepLogRow:
    """One night on the 24-hour sleep log, as minutes after noon of the night's date.

    ``asleep`` is the window from sleep onset (tried to sleep + SOL) to the
    final awakening; awakenings during the night cannot be placed from a diary.
    ``markers`` are (minute, substance group) pairs.
    """

    night: date
    in_bed: tuple[float, float] | None
    asleep: tuple[float, float] | None
    markers: tuple[tuple[float, str], ...] = field(default=())


@dataclass(frozen=True)
class ScoreBand:
    """A severity range of a questionnaire total, with its label."""

    low: float
    high: float
    label: str


@dataclass
class SleepSection:
    weeks: list[dict[str, Any]]
    nights_logged: int
    log_rows: list[SleepLogRow]
    se_denominator: str = "time in bed"
    regularity: str | None = None
    diary_vs_device: str | None = None


@dataclass
class InstrumentSeries:
    instrument_id: str
    name: str
    rows: list[dict[str, Any]]
    summary: str
    points: list[tuple[date, int]]
    bands: list[ScoreBand]
    max_score: int
    response_line: float | None
    remission_line: float | None


@dataclass
class KratomSection:
    kratom_days: int
    days: int
    doses: int
    days_per_week: float
    doses_per_use_day: float | None
    forms: list[tuple[str, int]]
    strains: list[tuple[str, int]]
    seven_oh_doses: int
    extract_doses: int
    trend: list[tuple[str, float | None]]
    trend_label: str
    trend_text: str
    other_substances: list[tuple[str, int]]
    signals: list[dict[str, Any]] | None = None
    sows: list[dict[str, Any]] = field(default_factory=list)
    self_checks: list[dict[str, Any]] = field(default_factory=list)
    side_effects: list[dict[str, Any]] = field(default_factory=list)
    mood_checkins: int = 0
    mood_mean: float | None = None


@dataclass
class MedicationSection:
    declared: list[dict[str, Any]]
    logged: list[tuple[str, int]]
    warnings: list[dict[str, Any]]


@dataclass
class AnalysisSection:
    insights: list[dict[str, Any]] | None
    experiments: list[dict[str, Any]] | None
    note: str | None = None
    caveat: str = ASSOCIATION_CAVEAT


@dataclass
class ClinicianReport:
    """All sections of one report; templates render it and add nothing."""

    period: Period
    generated_at: datetime
    zone: str
    person: dict[str, str]
    nights_logged: int
    sources: list[str]
    crisis: CrisisSection | None
    sleep: SleepSection
    questionnaires: list[InstrumentSeries]
    kratom: KratomSection
    medications: MedicationSection
    analysis: AnalysisSection
    limits: tuple[str, ...] = LIMITS
    version: str = __version__

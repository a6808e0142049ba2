"""The clinician report: everything a clinician reads in a minute, gathered for one period.

This module only gathers and arranges; scoring, sleep metrics, safety signals
and analyses come from their own services. A section whose service is not part
of this installation says so instead of being computed here a second way.
The crisis section, when any answer in the period called for crisis resources,
always comes first.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import distinct, func, select

from kratom_journal import __version__
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.domain.entries import (
    Dose,
    Form,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Unit,
)
from kratom_journal.domain.errors import InvalidEntry, InvalidInput
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.safety.interactions import check as check_interactions
from kratom_journal.safety.interactions import normalize_drug_name, substance_to_check
from kratom_journal.safety.signals import build_report as build_signals
from kratom_journal.services.clock import SYSTEM_CLOCK, journal_zone, journal_zone_name
from kratom_journal.services.experiments import experiment_result
from kratom_journal.services.insights import insight_rows
from kratom_journal.services.questionnaires import (
    Administration,
    crisis_notice_for,
    list_administrations,
)
from kratom_journal.services.safety import list_medicines, questionnaire_scores
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.sleep.regularity import sleep_regularity_index
from kratom_journal.sleep.summary import clock_label, weekly_summaries
from kratom_journal.store.journal import Journal, StoredEntry
from kratom_journal.store.tables import DoseRow, MoodRow, SleepDiaryRow

DEFAULT_DAYS = 28
"""Default report period: the last four weeks, ending on the latest journal day."""
MAX_TABLE_WEEKS = 8
"""At most this many weeks in the sleep-diary table (the most recent ones)."""
SLEEP_LOG_NIGHTS = 14
"""Nights on the 24-hour sleep log (the AASM two-week diary layout)."""
TST_FLAG_MIN = 360
"""A weekly mean total sleep time below six hours is flagged."""

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


@dataclass(frozen=True)
class Period:
    """Inclusive range of journal days (nights are dated by the evening they began)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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


# --- entry point ---------------------------------------------------------------------------


def default_period(journal: Journal, days: int = DEFAULT_DAYS) -> Period:
    """The ``days`` days ending on the latest day with a journal entry (today if none)."""
    zone = journal_zone(journal)
    latest = _latest_day(journal)
    end = latest or SYSTEM_CLOCK.today(zone)
    return Period(end - timedelta(days=days - 1), end)


def resolve_period(journal: Journal, start: date | None, end: date | None) -> Period:
    """Fill in a missing end (latest journal day) or start (four weeks before the end)."""
    if end is None:
        end = (
            default_period(journal).end
            if start is None
            else max(start, default_period(journal).end)
        )
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput(f"--from {start} is after --to {end}")
    return Period(start, end)


def build_report(
    journal: Journal, period: Period, now: datetime | None = None, with_analysis: bool = True
) -> ClinicianReport:
    """Gather every section of the clinician report for ``period``.

    ``with_analysis=False`` leaves out the person's analyses and self-experiments
    (their choice; the section then says so).
    """
    zone = journal_zone(journal)
    # Only the nights the table and the sleep log show are read in full; longer periods are
    # counted and summarised from a few columns, so a report over years stays quick.
    detail = Period(
        max(period.start, period.end - timedelta(days=7 * MAX_TABLE_WEEKS - 1)), period.end
    )
    nights = _nights(journal, detail)
    all_doses = _dose_facts(journal, period, extra_days=1)
    effects = [e for e in _entries(journal, Kind.SIDE_EFFECT, period) if isinstance(e, SideEffect)]
    moods = _mood_values(journal, period)
    in_period = [d for d in all_doses if period.start <= _local_day(d.taken_at) <= period.end]
    administrations = _administrations(journal, period)
    nights_logged = _count_nights(journal, period)
    return ClinicianReport(
        period=period,
        generated_at=(now or SYSTEM_CLOCK.now()).astimezone(zone),
        zone=journal_zone_name(journal),
        person=person_details(journal),
        nights_logged=nights_logged,
        sources=_sources(journal, nights_logged, period),
        crisis=_crisis_section(journal, administrations),
        sleep=_sleep_section(journal, nights, all_doses, period),
        questionnaires=_questionnaire_series(administrations, period),
        kratom=_kratom_section(journal, in_period, effects, moods, period),
        medications=_medication_section(journal, in_period),
        analysis=_analysis_section(journal)
        if with_analysis
        else AnalysisSection(
            None, None, "The person chose not to include their analyses in this report."
        ),
    )


PERSON_SETTINGS = {
    "patient-name": "name",
    "patient-birth-date": "birth_date",
    "patient-gender": "gender",
}
"""Settings a person may fill to put their details on the report and in the FHIR export."""


def person_details(journal: Journal) -> dict[str, str]:
    """Only the details the person chose to record in the journal's settings."""
    settings = journal.settings.all()
    return {key: settings[name] for name, key in PERSON_SETTINGS.items() if settings.get(name)}


# --- reading the journal -------------------------------------------------------------------


def _latest_day(journal: Journal) -> date | None:
    """The latest diary night; without a diary, the latest day of any other entry."""
    recent = datetime.now(UTC) - timedelta(days=3650)
    nights = journal.entries.list(kind=Kind.SLEEP, since=recent)
    if nights and isinstance(nights[-1].entry, SleepDiaryEntry):
        return nights[-1].entry.night
    latest: date | None = None
    for kind in (Kind.DOSE, Kind.MOOD, Kind.SIDE_EFFECT):
        stored = journal.entries.list(kind=kind, since=recent)
        if stored:
            day = _local_day(_time_of(stored[-1].entry))
            latest = day if latest is None else max(latest, day)
    return latest


def _time_of(entry: object) -> datetime:
    if isinstance(entry, Dose):
        return entry.taken_at
    if isinstance(entry, MoodCheckin | SideEffect):
        return entry.at
    raise TypeError(type(entry).__name__)


def _local_day(instant: datetime) -> date:
    """The calendar day at the offset the entry was logged with."""
    return instant.date()


def _bounds(period: Period, before: int, after: int) -> tuple[datetime, datetime]:
    # A day's margin on each side covers every UTC offset; entries are then filtered by day.
    start = datetime.combine(period.start - timedelta(days=before + 1), time(0), tzinfo=UTC)
    end = datetime.combine(period.end + timedelta(days=after + 2), time(0), tzinfo=UTC)
    return start, end


def _entries(journal: Journal, kind: Kind, period: Period, extra_days: int = 0) -> list[Any]:
    since, until = _bounds(period, 0, extra_days)
    stored: list[StoredEntry] = journal.entries.list(kind=kind, since=since, until=until)
    wanted_end = period.end + timedelta(days=extra_days)
    return [s.entry for s in stored if period.start <= _local_day(_time_of(s.entry)) <= wanted_end]


def _nights(journal: Journal, period: Period) -> list[SleepDiaryEntry]:
    since, until = _bounds(period, 1, 0)
    by_night: dict[date, SleepDiaryEntry] = {}
    for stored in journal.entries.list(kind=Kind.SLEEP, since=since, until=until):
        entry = stored.entry
        if isinstance(entry, SleepDiaryEntry) and period.start <= entry.night <= period.end:
            by_night[entry.night] = entry
    return [by_night[night] for night in sorted(by_night)]


@dataclass(frozen=True, slots=True)
class DoseFact:
    """What the report needs of a dose (read from a few columns, not the full entry)."""

    taken_at: datetime
    substance: str
    form: Form | None
    strain: str | None


_OFFSETS: dict[int, timezone] = {}


def _aware(utc_naive: datetime, offset_s: int) -> datetime:
    zone = _OFFSETS.get(offset_s)
    if zone is None:
        zone = _OFFSETS[offset_s] = timezone(timedelta(seconds=offset_s))
    return (utc_naive + timedelta(seconds=offset_s)).replace(tzinfo=zone)


def _form(value: str | None) -> Form | None:
    try:
        return Form(value) if value else None
    except ValueError:
        return Form.OTHER


def _dose_facts(journal: Journal, period: Period, extra_days: int = 0) -> list[DoseFact]:
    since, until = _bounds(period, 0, extra_days)
    stmt = (
        select(
            DoseRow.taken_at_utc,
            DoseRow.taken_at_offset_s,
            DoseRow.substance,
            DoseRow.form,
            DoseRow.strain,
        )
        .where(DoseRow.deleted_at_utc.is_(None))
        .where(DoseRow.taken_at_utc >= since.replace(tzinfo=None))
        .where(DoseRow.taken_at_utc < until.replace(tzinfo=None))
        .order_by(DoseRow.taken_at_utc)
    )
    last = period.end + timedelta(days=extra_days)
    with journal.session() as session:
        rows = session.execute(stmt).all()
    facts = [
        DoseFact(_aware(at, offset), substance, _form(form), strain)
        for at, offset, substance, form, strain in rows
    ]
    return [f for f in facts if period.start <= _local_day(f.taken_at) <= last]


def _mood_values(journal: Journal, period: Period) -> list[int]:
    since, until = _bounds(period, 0, 0)
    stmt = (
        select(MoodRow.at_utc, MoodRow.at_offset_s, MoodRow.mood)
        .where(MoodRow.deleted_at_utc.is_(None))
        .where(MoodRow.at_utc >= since.replace(tzinfo=None))
        .where(MoodRow.at_utc < until.replace(tzinfo=None))
    )
    with journal.session() as session:
        rows = session.execute(stmt).all()
    return [
        mood
        for at, offset, mood in rows
        if period.start <= _local_day(_aware(at, offset)) <= period.end
    ]


def _count_nights(journal: Journal, period: Period) -> int:
    stmt = select(func.count(distinct(SleepDiaryRow.night))).where(
        SleepDiaryRow.deleted_at_utc.is_(None),
        SleepDiaryRow.night >= period.start,
        SleepDiaryRow.night <= period.end,
    )
    with journal.session() as session:
        return int(session.execute(stmt).scalar_one())


def _sources(journal: Journal, nights: int, period: Period) -> list[str]:
    sources = ["sleep diary (Consensus Sleep Diary, self-report)"] if nights else []
    sources.extend(_wearable_sources(journal, period))
    return sources or ["no sleep data in this period"]


def _wearable_sources(journal: Journal, period: Period) -> list[str]:
    names: Counter[str] = Counter()
    for chosen, _others in list_nights(journal, period.start, period.end):
        names[chosen.source.label] += 1
    return [f"{name}: wearable, {count} nights" for name, count in sorted(names.items())]


# --- questionnaires and the crisis note ----------------------------------------------------


def _administrations(journal: Journal, period: Period) -> list[Administration]:
    return [
        a
        for a in list_administrations(journal)
        if period.start <= _local_day(a.administered_at) <= period.end
    ]


def _crisis_section(
    journal: Journal, administrations: list[Administration]
) -> CrisisSection | None:
    answers = []
    for administration in administrations:
        for flag in administration.result.safety_flags:
            answers.append(
                {
                    "date": _local_day(administration.administered_at),
                    "instrument": administration.instrument.short_name,
                    "item": flag.item,
                    "value": flag.value,
                    "label": _answer_label(administration.instrument, flag.item, flag.value),
                    "text": _item_text(administration.instrument, flag.item),
                }
            )
    if not answers:
        return None
    notice = crisis_notice_for(journal)
    return CrisisSection(answers=answers, notice=notice.to_dict(), resources=notice)


def _item_text(instrument: Any, item_id: str) -> str:
    for item in instrument.items:
        if item.id == item_id:
            return str(item.text)
    return item_id


def _answer_label(instrument: Any, item_id: str, value: int) -> str:
    for item in instrument.items:
        if item.id == item_id:
            for option in instrument.response_sets[item.response_set]:
                if option.value == value:
                    return str(option.label)
    return str(value)


REPORTED_INSTRUMENTS = ("phq9", "gad7")


def _questionnaire_series(
    administrations: list[Administration], period: Period
) -> list[InstrumentSeries]:
    series = []
    for instrument_id in REPORTED_INSTRUMENTS:
        chosen = [a for a in administrations if a.instrument.id == instrument_id]
        if not chosen:
            continue
        series.append(_series(chosen, period))
    return series


def _series(administrations: list[Administration], period: Period) -> InstrumentSeries:
    instrument = administrations[0].instrument
    scored = [a for a in administrations if a.result.total is not None]
    points = [(_local_day(a.administered_at), int(a.result.total or 0)) for a in scored]
    baseline = points[0][1] if points else None
    rule = instrument.change
    response = (
        baseline * (1 - rule.response_drop_fraction)
        if baseline and rule.response_drop_fraction
        else None
    )
    rows = []
    for administration in administrations:
        result = administration.result
        change = administration.change
        rows.append(
            {
                "date": _local_day(administration.administered_at),
                "total": result.total,
                "band": result.band or (result.no_score_reason or "no score"),
                "flags": ", ".join(f"item {f.item} = {f.value}" for f in result.safety_flags),
                "delta": change.delta if change is not None else None,
                "meaningful": getattr(change, "meaningful", None) if change is not None else None,
            }
        )
    return InstrumentSeries(
        instrument.id,
        instrument.short_name,
        rows,
        _series_summary(instrument, points),
        points,
        [ScoreBand(b.min, b.max, b.label) for b in instrument.bands],
        int(instrument.score_range[1]),
        response,
        rule.remission_below,
    )


def _series_summary(instrument: Any, points: list[tuple[date, int]]) -> str:
    if not points:
        return "No complete administration in this period."
    first, last = points[0][1], points[-1][1]
    text = f"Baseline {first}, latest {last} ({len(points)} administrations)"
    rule = instrument.change
    if len(points) > 1:
        change = last - first
        text += f"; change {change:+d}"
        if rule.mcid:
            text += f" (meaningful change: {rule.mcid:g} points)"
        if (
            rule.response_drop_fraction
            and first > 0
            and last <= first * (1 - rule.response_drop_fraction)
        ):
            text += "; response criterion met"
        if rule.remission_below is not None and last < rule.remission_below:
            text += "; below the remission threshold"
    return text + "."


# --- sleep ---------------------------------------------------------------------------------


def _sleep_section(
    journal: Journal, nights: list[SleepDiaryEntry], doses: list[DoseFact], period: Period
) -> SleepSection:
    log_nights = [n for n in nights if n.night > period.end - timedelta(days=SLEEP_LOG_NIGHTS)]
    log_rows = _log_rows(log_nights, doses, period)
    weeks = min(MAX_TABLE_WEEKS, max(1, math.ceil(period.days / 7)))
    summaries = weekly_summaries(nights, weeks, period.end)
    rows = [_week_row(week) for week in summaries if week.start <= period.end]
    return SleepSection(
        rows,
        len(nights),
        log_rows,
        regularity=_regularity(nights),
        diary_vs_device=_diary_vs_device(journal, nights),
    )


def _diary_vs_device(journal: Journal, nights: list[SleepDiaryEntry]) -> str | None:
    """Mean diary and wearable total sleep time on the nights that have both."""
    if not nights:
        return None
    device = {
        chosen.night: chosen
        for chosen, _ in list_nights(journal, nights[0].night, nights[-1].night)
    }
    pairs = []
    for entry in nights:
        chosen = device.get(entry.night)
        if chosen is None or chosen.total_sleep_min is None:
            continue
        try:
            pairs.append((night_metrics(entry).tst_min, float(chosen.total_sleep_min)))
        except InvalidEntry:
            continue
    if not pairs:
        return None
    diary = statistics.fmean(p[0] for p in pairs)
    measured = statistics.fmean(p[1] for p in pairs)
    return (
        f"On {len(pairs)} nights with both, diary total sleep time averaged {diary:.0f} min "
        f"and the wearable's {measured:.0f} min (diary minus wearable {diary - measured:+.0f}"
        " min)."
    )


def _regularity(nights: list[SleepDiaryEntry]) -> str | None:
    result = sleep_regularity_index(nights)
    if result is None:
        return None
    return f"Sleep Regularity Index {result.sri:.0f} over {result.nights} nights"


def _week_row(week: Any) -> dict[str, Any]:
    stats = week.stats

    def mean_sd(name: str, digits: int = 0) -> str:
        stat = stats[name]
        if stat.mean is None:
            return "–"
        text = f"{stat.mean:.{digits}f}"
        return text + (f" ± {stat.sd:.{digits}f}" if stat.sd is not None else "")

    def clock(name: str) -> str:
        stat = stats[name]
        if stat.mean is None:
            return "–"
        sd = f" ± {stat.sd:.0f}′" if stat.sd is not None else ""
        return f"{clock_label(stat.mean)}{sd}"

    counts = [week.flag_nights.get(k, 0) for k in ("sol_over_30", "waso_over_30", "se_under_85")]
    flags = [" · ".join(str(n) for n in counts)] if any(counts) else []
    tst = stats["tst_min"].mean
    if tst is not None and tst < TST_FLAG_MIN:
        flags.append("TST<6 h")
    return {
        "label": _week_label(week.start, week.end),
        "n": f"{week.nights_valid}/{week.nights_expected}",
        "bedtime": clock("bedtime_min_after_noon"),
        "rise": clock("rise_time_min_after_noon"),
        "tib": mean_sd("tib_min"),
        "tst": mean_sd("tst_min"),
        "sol": mean_sd("sol_min"),
        "waso": mean_sd("waso_min"),
        "nwak": mean_sd("awakenings", 1),
        "se": mean_sd("se_pct"),
        "quality": mean_sd("quality", 1),
        "flags": "; ".join(flags),
        "naps": f"{week.nap_days} d, {week.nap_min_total} min" if week.nap_days else "",
        "empty": week.nights_valid == 0,
    }


def _week_label(start: date, end: date) -> str:
    if start.month == end.month:
        return f"{start:%d}–{end:%d %b}"
    return f"{start:%d %b}–{end:%d %b}"


def _minutes_after_noon(instant: datetime, night: date) -> float:
    """Wall-clock minutes after noon of ``night``, in the instant's own offset."""
    noon = datetime.combine(night, time(12, 0))
    return (instant.replace(tzinfo=None) - noon) / timedelta(minutes=1)


def substance_group(substance: str) -> str:
    """The sleep-log marker group of a logged substance."""
    if substance.startswith("medication:"):
        return "medication"
    if substance.startswith("other:"):
        return "other"
    return substance


def _log_rows(
    nights: list[SleepDiaryEntry], doses: list[DoseFact], period: Period
) -> list[SleepLogRow]:
    by_night: dict[date, list[tuple[float, str]]] = defaultdict(list)
    for dose in doses:
        local = dose.taken_at
        night = local.date() if local.hour >= 12 else local.date() - timedelta(days=1)
        by_night[night].append((_minutes_after_noon(local, night), substance_group(dose.substance)))
    diary = {n.night: n for n in nights}
    first = max(period.start, period.end - timedelta(days=SLEEP_LOG_NIGHTS - 1))
    rows = []
    for offset in range((period.end - first).days + 1):
        night = first + timedelta(days=offset)
        entry = diary.get(night)
        in_bed = asleep = None
        if entry is not None:
            in_bed = (
                _minutes_after_noon(entry.bed_at, night),
                _minutes_after_noon(entry.out_of_bed_at, night),
            )
            onset = entry.tried_at + timedelta(minutes=entry.sol_min)
            asleep = (
                _minutes_after_noon(onset, night),
                _minutes_after_noon(entry.final_wake_at, night),
            )
        rows.append(SleepLogRow(night, in_bed, asleep, tuple(sorted(by_night.get(night, [])))))
    return rows


# --- kratom use ----------------------------------------------------------------------------


def _kratom_section(
    journal: Journal,
    doses: list[DoseFact],
    effects: list[SideEffect],
    moods: list[int],
    period: Period,
) -> KratomSection:
    kratom = [d for d in doses if d.substance == "kratom"]
    per_day = Counter(_local_day(d.taken_at) for d in kratom)
    forms = Counter((d.form.value if d.form else "not given") for d in kratom)
    strains = Counter((d.strain or "not given") for d in kratom)
    others = Counter(d.substance for d in doses if d.substance != "kratom")
    labels, values, unit = _trend(per_day, period)
    section = KratomSection(
        kratom_days=len(per_day),
        days=period.days,
        doses=len(kratom),
        days_per_week=round(7 * len(per_day) / period.days, 1),
        doses_per_use_day=round(len(kratom) / len(per_day), 1) if per_day else None,
        forms=forms.most_common(),
        strains=strains.most_common(6),
        seven_oh_doses=sum(1 for d in kratom if d.form is Form.SEVEN_OH),
        extract_doses=sum(1 for d in kratom if d.form is Form.EXTRACT),
        trend=list(zip(labels, values, strict=True)),
        trend_label=unit,
        trend_text=_trend_text(values),
        other_substances=others.most_common(),
        side_effects=_side_effect_rows(effects),
        mood_checkins=len(moods),
        mood_mean=round(statistics.fmean(moods), 1) if moods else None,
    )
    _add_safety_signals(journal, section, period)
    return section


def _trend(per_day: Counter[date], period: Period) -> tuple[list[str], list[float | None], str]:
    """Doses per day averaged by week (periods up to 16 weeks) or by month."""
    if period.days <= 16 * 7:
        labels: list[str] = []
        values: list[float | None] = []
        start = period.start
        while start <= period.end:
            end = min(start + timedelta(days=6), period.end)
            days = (end - start).days + 1
            total = sum(per_day.get(start + timedelta(days=i), 0) for i in range(days))
            labels.append(f"{start:%d %b}")
            values.append(round(total / days, 2))
            start = end + timedelta(days=1)
        return labels, values, "kratom doses per day, by week"
    totals: dict[tuple[int, int], int] = defaultdict(int)
    spans: dict[tuple[int, int], int] = defaultdict(int)
    day = period.start
    while day <= period.end:
        totals[(day.year, day.month)] += per_day.get(day, 0)
        spans[(day.year, day.month)] += 1
        day += timedelta(days=1)
    keys = sorted(spans)
    monthly: list[float | None] = [round(totals[k] / spans[k], 2) for k in keys]
    return (
        [f"{date(y, m, 1):%b %Y}" for y, m in keys],
        monthly,
        "kratom doses per day, by month",
    )


def _trend_text(values: list[float | None]) -> str:
    finite = [v for v in values if v is not None]
    if len(finite) < 2:
        return "Too short a period to describe a trend."
    half = len(finite) // 2
    first, last = statistics.fmean(finite[:half]), statistics.fmean(finite[half:])
    return (
        f"Doses per day averaged {first:.2f} in the first half of the period and "
        f"{last:.2f} in the second half (descriptive, no test)."
    )


def _side_effect_rows(effects: list[SideEffect]) -> list[dict[str, Any]]:
    by_symptom: dict[str, list[SideEffect]] = defaultdict(list)
    for effect in effects:
        if effect.severity > 0:
            by_symptom[effect.symptom.value.replace("_", " ")].append(effect)
    names = {0: "none", 1: "mild", 2: "moderate", 3: "severe"}
    return [
        {
            "symptom": name,
            "days": len({_local_day(e.at) for e in items}),
            "worst": names[max(e.severity for e in items)],
            "last": max(_local_day(e.at) for e in items),
        }
        for name, items in sorted(by_symptom.items(), key=lambda kv: -len(kv[1]))
    ]


SHOWN_IN_TABLE = frozenset({"seven_oh", "withdrawal_scores", "self_check"})
"""Signals the kratom table already states; listed again only when they call for notice."""


def _add_safety_signals(journal: Journal, section: KratomSection, period: Period) -> None:
    """The safety module's signals as of the period's last day (what ``kj safety`` shows).

    Same composition as ``services.safety.safety_report``, with kratom doses read
    from a few columns so that a journal of many years stays quick to report on.
    """
    sows = questionnaire_scores(journal, "sows")
    checks = questionnaire_scores(journal, "kud")
    effects = [
        s.entry
        for s in journal.entries.list(kind=Kind.SIDE_EFFECT)
        if isinstance(s.entry, SideEffect)
    ]
    report = build_signals(
        _kratom_doses(journal, period.end),
        period.end,
        sows=sows,
        self_checks=[(d, int(v)) for d, v in checks],
        side_effects=effects,
        country=journal.settings.get("country"),
    )
    section.signals = [
        {"title": s.title, "observed": s.observed, "level": s.level.value}
        for s in report.signals
        if s.level.value != "info" or s.id not in SHOWN_IN_TABLE
    ]
    for scores, target in ((sows, section.sows), (checks, section.self_checks)):
        for day, total in scores:
            if period.start <= day <= period.end:
                target.append({"date": day, "total": total})


def _kratom_doses(journal: Journal, last_day: date) -> list[Dose]:
    """Every live kratom dose up to ``last_day``, built from its columns (no ORM objects)."""
    stmt = (
        select(
            DoseRow.taken_at_utc,
            DoseRow.taken_at_offset_s,
            DoseRow.amount,
            DoseRow.unit,
            DoseRow.form,
            DoseRow.strain,
            DoseRow.grams_per_capsule,
            DoseRow.zone,
        )
        .where(DoseRow.deleted_at_utc.is_(None), DoseRow.substance == "kratom")
        .where(DoseRow.taken_at_utc < datetime.combine(last_day + timedelta(days=2), time(0)))
        .order_by(DoseRow.taken_at_utc)
    )
    with journal.session() as session:
        rows = session.execute(stmt).all()
    doses = []
    for at, offset, amount, unit, form, strain, per_capsule, zone in rows:
        taken_at = _aware(at, offset)
        if _local_day(taken_at) <= last_day:
            doses.append(
                Dose(
                    taken_at=taken_at,
                    amount=amount,
                    unit=Unit(unit),
                    form=_form(form),
                    strain=strain,
                    grams_per_capsule=per_capsule,
                    zone=zone,
                )
            )
    return doses


# --- medications and analyses --------------------------------------------------------------


def _medication_section(journal: Journal, doses: list[DoseFact]) -> MedicationSection:
    logged = Counter(
        d.substance.split(":", 1)[1] for d in doses if d.substance.startswith("medication:")
    )
    declared = [
        {"name": m.name, "daily": m.daily, "since": m.added_at.date()}
        for m in list_medicines(journal)
    ]
    warnings = []
    for origin, result in _interaction_checks(declared, doses):
        if not result.listed:
            continue
        warnings.append(
            {
                "name": result.query,
                "origin": origin,
                "severity": result.severity.value if result.severity else "",
                "summary": "; ".join(c.name for c in result.classes),
            }
        )
    return MedicationSection(declared, logged.most_common(), warnings)


def _interaction_checks(
    declared: list[dict[str, Any]], doses: list[DoseFact]
) -> list[tuple[str, Any]]:
    """The interaction checker on declared medicines and on substances logged in the period."""
    checks: list[tuple[str, Any]] = []
    seen = set()
    for medicine in declared:
        seen.add(normalize_drug_name(medicine["name"]))
        origin = "declared (daily)" if medicine["daily"] else "declared"
        checks.append((origin, check_interactions(medicine["name"])))
    counts: Counter[str] = Counter()
    for dose in doses:
        name = substance_to_check(dose.substance)
        if name is not None:
            counts[name] += 1
    for name, count in sorted(counts.items()):
        if normalize_drug_name(name) not in seen:
            times = "once" if count == 1 else f"{count} times"
            checks.append((f"logged {times} in the period", check_interactions(name)))
    return checks


MAX_INSIGHTS = 4
"""At most this many clear associations in the report, strongest evidence first."""
MAX_UNCLEAR = 2
"""Without a clear association, this many of the other results are shown as examples."""

_VERDICT_ORDER = {
    "associated_worse": 0,
    "associated_better": 1,
    "inconclusive": 2,
    "no_clear_association": 3,
    "insufficient_data": 4,
}


def _analysis_section(journal: Journal) -> AnalysisSection:
    notes = []
    insights = None
    cached = insight_rows(journal)  # recomputed only when the journal has changed
    if "error" in cached:
        notes.append(f"No analysis yet: {cached['error']}")
    else:
        rows = list(cached["results"])
        rows.sort(
            key=lambda r: (
                _VERDICT_ORDER.get(str(r["verdict"]), 5),
                r["q_value"] if r["q_value"] is not None else 1.0,
            )
        )
        clear = [r for r in rows if str(r["verdict"]).startswith("associated")]
        insights = clear[:MAX_INSIGHTS] if clear else rows[:MAX_UNCLEAR]
        verdicts = Counter(str(r["verdict"]).replace("_", " ") for r in rows)
        listed = ", ".join(f"{n} {name}" for name, n in verdicts.most_common())
        notes.append(
            f"{len(insights)} of {len(rows)} results shown ({listed}; {cached['n_tests']} "
            "tests adjusted together); clear associations first."
        )
    experiments = None
    try:
        result = experiment_result(journal)
    except AnalysisError:
        pass
    else:
        experiments = [{"title": result.plan.summary(), "result": result.summary()}]
    return AnalysisSection(insights, experiments, " ".join(notes) or None)

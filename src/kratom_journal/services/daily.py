"""Build the per-day table the analyses use from journal entries.

Definitions (documented in ``docs/analysis.md``):

* A **journal day** D runs from 04:00 on D to 04:00 on D + 1, local time; the night that
  begins on the evening of D belongs to it (the diary's ``night`` is that D).
* A day is **logged** when anything was recorded for it (a dose of any substance, a mood
  check-in, a side effect, the diary of its night). On a day that was not
  logged every exposure and covariate is unknown (NaN), never 0: nobody can tell whether
  kratom was taken.
* **Evening kratom** is a kratom dose taken from 16:00 until the night's lights-out (the
  diary's "tried to sleep" time; without a diary, until 04:00). A dose taken while in bed
  during the night (between lights-out and the final awakening) is a **night dose**: it counts
  for the day's totals, not as evening exposure of that night.
* ``kratom_day`` is any kratom in the journal day; ``kratom_before_night`` any before the
  night began (what the night status of :mod:`kratom_journal.analysis.dependence` uses).
* **Caffeine** is counted by amount and time as logged: milligrams 04:00-14:00
  (``caffeine_morning_mg``) and 14:00-04:00 (``caffeine_late_mg``); a cup, or a serving in
  another unit, counts as 95 mg (brewed coffee, 8 fl oz: USDA FoodData Central, FDC 171890).
  ``caffeine_after_14`` is 1 when any caffeine was logged after 14:00.
* Daily totals (grams, doses, 7-OH, alcohol, other substances) count the whole journal day.
* ``mood_next_day`` is the mean mood rating logged during day D + 1, i.e. after night D.

The journal day and local time are those of :mod:`kratom_journal.domain.days`: the clock
of the zone the entry was recorded in, else the offset the instant was recorded with.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.insights import snake_id
from kratom_journal.domain.days import DAY_STARTS, journal_day, local_time
from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal

EVENING_STARTS = time(16, 0)
CAFFEINE_CUTOFF = time(14, 0)
CAFFEINE_MG_PER_SERVING = 95.0
"""Caffeine in one cup, or one serving logged in another unit (brewed coffee, 8 fl oz)."""
DIARY_COLUMNS = ("sol_min", "waso_min", "tst_min", "se_pct", "quality", "awakenings")
DAY_COLUMNS = (
    "kratom_day",
    "kratom_before_night",
    "night_kratom",
    "evening_kratom",
    "evening_kratom_grams",
    "daily_kratom_grams",
    "doses_per_day",
    "seven_oh",
    "caffeine_after_14",
    "caffeine_morning_mg",
    "caffeine_late_mg",
    "alcohol",
    "other_substances",
)
"""Exposures and covariates of a journal day: unknown (NaN) on a day that was not logged."""

OutcomeProvider = Callable[[Journal], Mapping[date, float]]
"""Returns extra nightly outcome values (by night date) for a journal."""

OUTCOME_PROVIDERS: dict[str, OutcomeProvider] = {}
"""Other parts of the product register extra outcome columns here (wearables, questionnaires)."""


def register_outcome_provider(name: str, provider: OutcomeProvider) -> None:
    """Add an outcome column such as ``wearable_tst_min`` computed from the journal."""
    OUTCOME_PROVIDERS[name] = provider


def _is_evening(local: datetime) -> bool:
    clock = local.time()
    return clock >= EVENING_STARTS or clock < DAY_STARTS


def _is_after_caffeine_cutoff(local: datetime) -> bool:
    clock = local.time()
    return clock >= CAFFEINE_CUTOFF or clock < DAY_STARTS


def diary_metrics(entry: SleepDiaryEntry) -> dict[str, float]:
    """Diary outcomes of one night, using the journal's sleep-metric definitions.

    TST and SE come from :func:`kratom_journal.sleep.metrics.night_metrics` (Consensus Sleep
    Diary, Carney et al. 2012); a night whose times contradict themselves in real elapsed
    time (a clock change) keeps its reported items and leaves TST and SE unknown.
    """
    values = {
        "sol_min": float(entry.sol_min),
        "waso_min": float(entry.waso_min),
        "tst_min": math.nan,
        "se_pct": math.nan,
        "quality": float(entry.quality),
        "awakenings": float(entry.awakenings),
    }
    try:
        metrics = night_metrics(entry)
    except InvalidEntry:
        return values
    values["tst_min"] = float(metrics.tst_min)
    values["se_pct"] = float(metrics.se_pct)
    return values


@dataclass
class _Day:
    evening: int = 0
    evening_grams: float = 0.0
    evening_grams_known: bool = True
    grams: float = 0.0
    grams_known: bool = True
    doses: int = 0
    before_night: int = 0
    night_dose: int = 0
    seven_oh: int = 0
    caffeine_late: int = 0
    caffeine_morning_mg: float = 0.0
    caffeine_late_mg: float = 0.0
    alcohol: int = 0
    other: int = 0


def caffeine_mg(dose: Dose) -> float:
    """Milligrams of caffeine in a logged dose (a cup or other serving: 95 mg)."""
    if dose.unit is Unit.MG:
        return float(dose.amount)
    if dose.unit is Unit.G:
        return float(dose.amount) * 1000.0
    if dose.unit is Unit.CUP:
        return float(dose.amount) * CAFFEINE_MG_PER_SERVING
    return CAFFEINE_MG_PER_SERVING


def _in_bed(night: SleepDiaryEntry | None, instant: datetime) -> bool:
    return night is not None and night.tried_at <= instant < night.final_wake_at


def build_day_table(
    doses: Iterable[Dose],
    nights: Iterable[SleepDiaryEntry],
    moods: Iterable[MoodCheckin],
    extra_outcomes: Mapping[str, Mapping[date, float]] | None = None,
    other_days: Iterable[date] = (),
) -> DayTable:
    """One row per consecutive journal day from the first to the last entry.

    Parameters
    ----------
    doses, nights, moods : journal entries (deleted ones already left out)
    extra_outcomes : more outcome columns by night date, e.g. ``{"hrv_ms": {...}}``
    other_days : journal days with other entries (side effects): logged days

    Returns
    -------
    DayTable
    """
    days: dict[date, _Day] = defaultdict(_Day)
    strains: dict[date, set[str]] = defaultdict(set)
    forms: dict[date, set[str]] = defaultdict(set)
    night_list = list(nights)
    by_night = {night.night: night for night in night_list}
    for dose in doses:
        local = local_time(dose.taken_at, dose.zone)
        d = journal_day(dose.taken_at, dose.zone)
        row = days[d]
        if dose.substance == "kratom":
            during = _in_bed(by_night.get(d), dose.taken_at) or _in_bed(
                by_night.get(d - timedelta(days=1)), dose.taken_at
            )
            evening = _is_evening(local) and not during
            _add_kratom(row, dose, evening)
            row.night_dose |= int(during)
            tonight = by_night.get(d)
            row.before_night |= int(tonight is None or dose.taken_at < tonight.tried_at)
            if evening:
                if dose.strain_key:
                    strains[d].add(dose.strain_key)
                if dose.form is not None and dose.form is not Form.SEVEN_OH:
                    forms[d].add(dose.form.value)
        elif dose.substance == "caffeine":
            late = _is_after_caffeine_cutoff(local)
            row.caffeine_late |= int(late)
            if late:
                row.caffeine_late_mg += caffeine_mg(dose)
            else:
                row.caffeine_morning_mg += caffeine_mg(dose)
        elif dose.substance == "alcohol":
            row.alcohol = 1
        else:
            row.other = 1
    diary: dict[date, dict[str, float]] = {}
    for night in night_list:
        diary[night.night] = diary_metrics(night)
    mood_sum: dict[date, list[float]] = defaultdict(list)
    anxiety_sum: dict[date, list[float]] = defaultdict(list)
    for checkin in moods:
        d = journal_day(checkin.at, checkin.zone)
        mood_sum[d].append(float(checkin.mood))
        if checkin.anxiety is not None:
            anxiety_sum[d].append(float(checkin.anxiety))
    extra = extra_outcomes or {}
    logged = set(days) | set(diary) | set(mood_sum) | set(other_days)
    all_dates = set(logged)
    for values in extra.values():
        all_dates |= set(values)
    if not all_dates:
        return DayTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), {})
    first, last = min(all_dates), max(all_dates)
    dates = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    table = _assemble(dates, days, strains, forms, diary, mood_sum, anxiety_sum, extra)
    return _mark_logged(table, dates, logged)


def _mark_logged(table: DayTable, dates: list[date], logged: set[date]) -> DayTable:
    """Add the ``logged`` column; exposures and covariates of unlogged days become unknown."""
    flags = np.array([d in logged for d in dates], dtype=bool)
    columns = dict(table.columns)
    for name in (*DAY_COLUMNS, *(k for k in columns if k.startswith(("strain_", "form_")))):
        if name in columns:
            columns[name] = np.where(flags, columns[name], math.nan)
    columns["logged"] = flags.astype(np.float64)
    return DayTable(table.day, table.weekday, columns, table.dates)


def _add_kratom(row: _Day, dose: Dose, evening: bool) -> None:
    grams = dose.grams
    row.doses += 1
    row.seven_oh |= int(dose.is_seven_oh)
    if grams is None:
        row.grams_known = False
    else:
        row.grams += grams
    if evening:
        row.evening = 1
        if grams is None:
            row.evening_grams_known = False
        else:
            row.evening_grams += grams


def _assemble(
    dates: list[date],
    days: Mapping[date, _Day],
    strains: Mapping[date, set[str]],
    forms: Mapping[date, set[str]],
    diary: Mapping[date, dict[str, float]],
    mood: Mapping[date, list[float]],
    anxiety: Mapping[date, list[float]],
    extra: Mapping[str, Mapping[date, float]],
) -> DayTable:
    n = len(dates)
    one_day = timedelta(days=1)
    empty = _Day()
    strain_keys = sorted({k for found in strains.values() for k in found})
    form_keys = sorted({k for found in forms.values() for k in found})
    names = [
        *DAY_COLUMNS,
        "mood",
        "mood_next_day",
        "anxiety_next_day",
        *DIARY_COLUMNS,
        *(snake_id("strain", k) for k in strain_keys),
        *(snake_id("form", k) for k in form_keys),
        *extra,
    ]
    columns = {name: np.full(n, math.nan) for name in names}
    for i, d in enumerate(dates):
        row = days.get(d, empty)
        columns["evening_kratom"][i] = row.evening
        columns["evening_kratom_grams"][i] = (
            row.evening_grams if row.evening_grams_known else (math.nan)
        )
        columns["daily_kratom_grams"][i] = row.grams if row.grams_known else math.nan
        columns["doses_per_day"][i] = row.doses
        columns["kratom_day"][i] = float(row.doses > 0)
        columns["kratom_before_night"][i] = row.before_night
        columns["night_kratom"][i] = row.night_dose
        columns["seven_oh"][i] = row.seven_oh
        columns["caffeine_after_14"][i] = row.caffeine_late
        columns["caffeine_morning_mg"][i] = row.caffeine_morning_mg
        columns["caffeine_late_mg"][i] = row.caffeine_late_mg
        columns["alcohol"][i] = row.alcohol
        columns["other_substances"][i] = row.other
        columns["mood"][i] = _mean(mood.get(d))
        columns["mood_next_day"][i] = _mean(mood.get(d + one_day))
        columns["anxiety_next_day"][i] = _mean(anxiety.get(d + one_day))
        for name, value in diary.get(d, {}).items():
            columns[name][i] = value
        if row.evening:
            # Strain and form contrasts compare kratom nights with each other only.
            for key in strain_keys:
                columns[snake_id("strain", key)][i] = float(key in strains.get(d, ()))
            for key in form_keys:
                columns[snake_id("form", key)][i] = float(key in forms.get(d, ()))
        for name, values in extra.items():
            columns[name][i] = float(values.get(d, math.nan))
    number = np.arange(n, dtype=np.int64)
    weekday = np.array([d.weekday() for d in dates], dtype=np.int64)
    return DayTable(number, weekday, columns, tuple(dates))


def _mean(values: list[float] | None) -> float:
    return float(np.mean(values)) if values else math.nan

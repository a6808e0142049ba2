"""Build the per-day table the analyses use from journal entries.

Definitions (documented in ``docs/analysis.md``):

* A **journal day** D runs from 04:00 on D to 04:00 on D + 1, local time; the night that
  begins on the evening of D belongs to it (the diary's ``night`` is that D).
* **Evening kratom** is a kratom dose taken between 16:00 and 04:00 local time.
* **Caffeine after 14:00** is a caffeine dose between 14:00 and 04:00 local time.
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
from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal

EVENING_STARTS = time(16, 0)
CAFFEINE_CUTOFF = time(14, 0)
DIARY_COLUMNS = ("sol_min", "waso_min", "tst_min", "se_pct", "quality", "awakenings")

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
    seven_oh: int = 0
    caffeine_late: int = 0
    alcohol: int = 0
    other: int = 0


def build_day_table(
    doses: Iterable[Dose],
    nights: Iterable[SleepDiaryEntry],
    moods: Iterable[MoodCheckin],
    extra_outcomes: Mapping[str, Mapping[date, float]] | None = None,
) -> DayTable:
    """One row per consecutive journal day from the first to the last entry.

    Parameters
    ----------
    doses, nights, moods : journal entries (deleted ones already left out)
    extra_outcomes : more outcome columns by night date, e.g. ``{"hrv_ms": {...}}``

    Returns
    -------
    DayTable
    """
    days: dict[date, _Day] = defaultdict(_Day)
    strains: dict[date, set[str]] = defaultdict(set)
    forms: dict[date, set[str]] = defaultdict(set)
    for dose in doses:
        local = local_time(dose.taken_at, dose.zone)
        d = journal_day(dose.taken_at, dose.zone)
        row = days[d]
        if dose.substance == "kratom":
            _add_kratom(row, dose, _is_evening(local))
            if _is_evening(local):
                if dose.strain_key:
                    strains[d].add(dose.strain_key)
                if dose.form is not None and dose.form is not Form.SEVEN_OH:
                    forms[d].add(dose.form.value)
        elif dose.substance == "caffeine":
            row.caffeine_late |= int(_is_after_caffeine_cutoff(local))
        elif dose.substance == "alcohol":
            row.alcohol = 1
        else:
            row.other = 1
    diary: dict[date, dict[str, float]] = {}
    for night in nights:
        diary[night.night] = diary_metrics(night)
    mood_sum: dict[date, list[float]] = defaultdict(list)
    anxiety_sum: dict[date, list[float]] = defaultdict(list)
    for checkin in moods:
        d = journal_day(checkin.at, checkin.zone)
        mood_sum[d].append(float(checkin.mood))
        if checkin.anxiety is not None:
            anxiety_sum[d].append(float(checkin.anxiety))
    extra = extra_outcomes or {}
    all_dates = set(days) | set(diary) | set(mood_sum)
    for values in extra.values():
        all_dates |= set(values)
    if not all_dates:
        return DayTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), {})
    first, last = min(all_dates), max(all_dates)
    dates = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return _assemble(dates, days, strains, forms, diary, mood_sum, anxiety_sum, extra)


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
        "evening_kratom",
        "evening_kratom_grams",
        "daily_kratom_grams",
        "doses_per_day",
        "seven_oh",
        "caffeine_after_14",
        "alcohol",
        "other_substances",
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
        columns["seven_oh"][i] = row.seven_oh
        columns["caffeine_after_14"][i] = row.caffeine_late
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

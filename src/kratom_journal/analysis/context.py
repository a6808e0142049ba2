"""What every question of one journal shares: night status, covariates as logged, calendar terms.

Covariates are used as the person logged them: caffeine in milligrams before and after 14:00
(morning coffee counts), alcohol and other substances on the day. A covariate of a day that was
not logged is unknown, so that night is left out rather than filled with zeros. Older day
tables without the amount columns fall back on the 0/1 ``caffeine_after_14`` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.dependence import night_status

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

AMOUNT_COVARIATES = ("caffeine_morning_mg", "caffeine_late_mg")
"""Caffeine amounts (mg) logged 04:00-14:00 and 14:00-04:00; used per 100 mg."""

FLAG_COVARIATES = ("alcohol", "other_substances")
FALLBACK_CAFFEINE = "caffeine_after_14"


@dataclass(frozen=True, slots=True)
class JournalContext:
    """One journal's day table with the columns every model needs, computed once."""

    table: DayTable
    dosed_day: FloatArray
    """1 if any kratom that journal day, 0 if none, NaN if the day was not logged."""
    status: IntArray
    """Night status (see :func:`kratom_journal.analysis.dependence.night_status`)."""
    covariates: Mapping[str, FloatArray]
    weekend: FloatArray
    trend: FloatArray

    @property
    def n_days(self) -> int:
        """Days in the table."""
        return self.table.n_days

    def covariates_known(self) -> NDArray[np.bool_]:
        """Days on which every covariate is known."""
        known = np.ones(self.n_days, dtype=bool)
        for values in self.covariates.values():
            known &= np.isfinite(values)
        return known

    def summary(self) -> str:
        """One line."""
        return (
            f"{self.n_days} days; {int(np.sum(np.isfinite(self.dosed_day)))} logged; "
            f"covariates {', '.join(self.covariates)}"
        )


def dosed_day_column(table: DayTable) -> FloatArray:
    """Any kratom that journal day (NaN when the day was not logged), with fallbacks."""
    for name in ("kratom_day", "doses_per_day", "evening_kratom"):
        if name in table.columns:
            values = table.column(name)
            return np.where(np.isfinite(values), (values > 0).astype(np.float64), np.nan)
    return np.full(table.n_days, np.nan)


def _logged_mask(table: DayTable) -> NDArray[np.bool_]:
    if "logged" in table.columns:
        return np.asarray(table.column("logged") > 0)
    return np.ones(table.n_days, dtype=bool)


def build_context(table: DayTable) -> JournalContext:
    """Night status, covariates and calendar terms of a day table."""
    logged = _logged_mask(table)
    dosed_day = np.where(logged, dosed_day_column(table), np.nan)
    if "kratom_before_night" in table.columns:
        before = np.where(logged, table.column("kratom_before_night"), np.nan)
    else:
        before = dosed_day
    status = night_status(before, dosed_day)
    covariates: dict[str, FloatArray] = {}
    if all(name in table.columns for name in AMOUNT_COVARIATES):
        for name in AMOUNT_COVARIATES:
            covariates[name] = np.where(logged, table.column(name) / 100.0, np.nan)
    elif FALLBACK_CAFFEINE in table.columns:
        covariates[FALLBACK_CAFFEINE] = np.where(logged, table.column(FALLBACK_CAFFEINE), np.nan)
    for name in FLAG_COVARIATES:
        if name in table.columns:
            covariates[name] = np.where(logged, table.column(name), np.nan)
    weekend = np.isin(table.weekday, (4, 5)).astype(np.float64)
    trend = (table.day - (table.day[0] if table.n_days else 0)) / 365.25
    return JournalContext(table, dosed_day, status, covariates, weekend, trend.astype(np.float64))

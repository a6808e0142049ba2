"""Simulated journals with a known truth, used to check that the statistics are honest.

The data-generating process follows the validation plan for n-of-1 analyses: AR(1) noise,
habit-driven dosing (dosing tonight is likelier after dosing last night, so exposure comes in
runs), weekend and trend effects, caffeine that both worsens sleep and makes dosing likelier
(a confounder), weekend-heavy alcohol, carryover from the previous night, a withdrawal effect
on the first two nights without kratom after three or more nights with it, and days with no
diary entry. Everything is seeded: the same spec and seed give the same journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.daytable import DayTable

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """Knobs of the data-generating process, in outcome units (default: SD units).

    ``effect`` is the true difference in the outcome on nights with evening kratom;
    ``carryover`` the difference the night after; ``withdrawal_effect`` is added on possible
    withdrawal nights (see :func:`possible_withdrawal_nights`).
    """

    n_days: int = 56
    rho: float = 0.5
    effect: float = 0.0
    carryover: float = 0.0
    withdrawal_effect: float = -0.5
    noise_sd: float = 1.0
    baseline: float = 0.0
    weekend_effect: float = 0.3
    trend_total: float = 0.5
    caffeine_effect: float = -0.3
    alcohol_effect: float = -0.4
    habit_stay: float = 0.8
    habit_start: float = 0.3
    caffeine_push: float = 0.15
    missing_share: float = 0.2
    start_weekday: int = 0

    def summary(self) -> str:
        """One line naming the main knobs."""
        return (
            f"n={self.n_days} rho={self.rho} effect={self.effect} carryover={self.carryover} "
            f"withdrawal={self.withdrawal_effect} missing={self.missing_share:.0%}"
        )


@dataclass(frozen=True, slots=True)
class SimulatedDays:
    """A simulated journal as a :class:`DayTable`, with the truth kept beside it."""

    table: DayTable
    spec: ScenarioSpec
    truth: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One line describing the simulated journal."""
        share = float(np.nanmean(self.table.columns["evening_kratom"]))
        return f"{self.spec.summary()}; kratom on {share:.0%} of nights"


MIN_RUN = 3
"""Consecutive days with kratom before a skipped day counts as a possible withdrawal night."""

FLAGGED_NIGHTS = 2
"""How many nights after the last dosing day are flagged."""


def possible_withdrawal_nights(kratom_day: NDArray[np.float64]) -> NDArray[np.bool_]:
    """The generator's withdrawal rule: the first two kratom-free days after a run of three or more.

    Parameters
    ----------
    kratom_day : array of 0/1 (NaN counts as 0), one value per consecutive day

    Returns
    -------
    boolean array, True on possible withdrawal nights

    Examples
    --------
    >>> possible_withdrawal_nights(np.array([1, 1, 1, 0, 0, 0, 1, 0.])).astype(int).tolist()
    [0, 0, 0, 1, 1, 0, 0, 0]
    """
    took = np.nan_to_num(np.asarray(kratom_day, dtype=np.float64)) > 0
    flags = np.zeros(len(took), dtype=bool)
    run = 0
    since_stop = 0
    armed = False
    for t, dosed in enumerate(took):
        if dosed:
            run += 1
            since_stop = 0
            armed = run >= MIN_RUN
            continue
        run = 0
        if armed:
            since_stop += 1
            if since_stop <= FLAGGED_NIGHTS:
                flags[t] = True
            else:
                armed = False
    return flags


def ar1_noise(rng: np.random.Generator, n: int, rho: float, sd: float) -> FloatArray:
    """Stationary AR(1) series with lag-one autocorrelation ``rho`` and marginal SD ``sd``."""
    if not -1.0 < rho < 1.0:
        raise ValueError("rho must be strictly between -1 and 1")
    innov = rng.standard_normal(n) * sd * np.sqrt(1.0 - rho**2)
    out = np.empty(n)
    out[0] = rng.standard_normal() * sd
    for t in range(1, n):
        out[t] = rho * out[t - 1] + innov[t]
    return out


def _markov_binary(
    rng: np.random.Generator, n: int, stay: float, start: float, push: FloatArray
) -> FloatArray:
    out = np.zeros(n)
    out[0] = float(rng.random() < start / (start + 1.0 - stay))
    draws = rng.random(n)
    for t in range(1, n):
        prob = (stay if out[t - 1] else start) + push[t]
        out[t] = float(draws[t] < min(max(prob, 0.0), 1.0))
    return out


def simulate_days(
    spec: ScenarioSpec,
    rng: np.random.Generator,
    outcomes: tuple[str, ...] = ("outcome",),
    effects: dict[str, float] | None = None,
) -> SimulatedDays:
    """Draw one simulated journal.

    Parameters
    ----------
    spec : ScenarioSpec
    rng : numpy Generator (seeded by the caller)
    outcomes : names of outcome columns; each gets its own independent noise
    effects : optional per-outcome true effect of evening kratom (defaults to ``spec.effect``)

    Returns
    -------
    SimulatedDays
    """
    n = spec.n_days
    day = np.arange(n, dtype=np.int64)
    weekday = (day + spec.start_weekday) % 7
    weekend = np.isin(weekday, (4, 5)).astype(float)  # Friday and Saturday nights
    caffeine = _markov_binary(rng, n, 0.6, 0.3, np.zeros(n))
    alcohol = (rng.random(n) < np.where(weekend > 0, 0.35, 0.08)).astype(float)
    other = (rng.random(n) < 0.1).astype(float)
    kratom = _markov_binary(
        rng, n, spec.habit_stay, spec.habit_start, spec.caffeine_push * caffeine
    )
    grams = np.where(kratom > 0, np.clip(3.0 + 0.8 * rng.standard_normal(n), 0.5, None), 0.0)
    previous = np.concatenate(([0.0], kratom[:-1]))
    withdrawal = possible_withdrawal_nights(kratom).astype(float)
    trend = spec.trend_total * day / max(n - 1, 1)
    missing = rng.random(n) < spec.missing_share

    columns: dict[str, FloatArray] = {
        "evening_kratom": kratom,
        "evening_kratom_grams": grams,
        "daily_kratom_grams": grams,
        "doses_per_day": kratom.copy(),
        "caffeine_after_14": caffeine,
        "alcohol": alcohol,
        "other_substances": other,
    }
    truth: dict[str, float] = {}
    for name in outcomes:
        effect = spec.effect if effects is None else effects.get(name, 0.0)
        truth[name] = effect
        y = (
            spec.baseline
            + effect * kratom
            + spec.carryover * previous
            + spec.withdrawal_effect * withdrawal
            + spec.weekend_effect * weekend
            + trend
            + spec.caffeine_effect * caffeine
            + spec.alcohol_effect * alcohol
            + ar1_noise(rng, n, spec.rho, spec.noise_sd)
        )
        columns[name] = np.where(missing, np.nan, y)
    table = DayTable(day=day, weekday=weekday, columns=columns)
    return SimulatedDays(table=table, spec=spec, truth=truth)


def simulate_experiment_outcomes(
    schedule_conditions: list[str],
    rng: np.random.Generator,
    effect: float,
    rho: float = 0.5,
    noise_sd: float = 15.0,
    baseline: float = 30.0,
    missing_share: float = 0.1,
    trend_total: float = 0.0,
) -> list[float]:
    """Outcome per scheduled day of a randomized experiment (NaN = not logged).

    ``effect`` is the true difference A - B; noise is AR(1) with marginal SD ``noise_sd``.
    """
    n = len(schedule_conditions)
    is_a = np.array([c == "A" for c in schedule_conditions], dtype=np.float64)
    trend = trend_total * np.arange(n) / max(n - 1, 1)
    y = baseline + effect * is_a + trend + ar1_noise(rng, n, rho, noise_sd)
    missing = rng.random(n) < missing_share
    return [float("nan") if m else float(v) for v, m in zip(y, missing, strict=True)]

"""Simulated journals with a known truth, written independently of the engine they test.

Nothing here comes from ``kratom_journal.analysis.simulate`` or from the engine's own rule for
nights after a skipped dose: the world below is described in its own terms.

* **Habit with persistence.** A latent urge follows an AR(1) process; kratom is taken on a
  day when urge + daily noise exceeds a threshold set for the wanted share of days. Runs of
  use and of abstinence come out of varying length.
* **A shared night factor.** Every night has one latent "how the night went" value (AR(1)),
  loading on every outcome; each outcome also has its own AR(1) noise.
* **Rebound.** After a run of ``r >= 2`` days with kratom, the next ``L`` nights without it are
  worse by ``rebound_sd`` standard deviations of every outcome, with ``L`` drawn from
  ``1 .. min(3, r - 1)`` at each stop (longer runs, possibly longer rebounds). With
  ``runs_pattern`` use comes in runs of 2-5 days separated by breaks of one or more days
  (now and then a longer one), the pattern of someone who takes kratom on most days.
* **A sustained-use effect** on nights of days with kratom, ``sustained_sd`` (positive = better).
* **Confounders.** Afternoon caffeine (logged, in mg) makes use likelier and sleep worse; daily
  stress (never logged) makes use slightly likelier and sleep and mood worse.
* **Logging that depends on the night (MNAR).** Whole days go unlogged with a probability that
  rises with how bad the night was, tuned to the wanted share.
* **Outliers.** About 1 % of values get an extra +4 SD; optionally one night of 300 minutes to
  fall asleep on a day with kratom.
* **Looks.** :func:`truncate` cuts a journal to its first ``n`` days, for weekly looks.

Outcome scales (SD of night-to-night variation): minutes to fall asleep 24, minutes awake 20,
total sleep 45 min, quality (1-5) 0.8, next-day mood and anxiety (0-10) 1.5.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kratom_journal.analysis.daytable import DayTable

OUTCOMES = {
    # id: (mean, SD, +1 means worse?)
    "sol_min": (22.0, 24.0, True),
    "waso_min": (30.0, 20.0, True),
    "tst_min": (410.0, 45.0, False),
    "quality": (3.2, 0.8, False),
    "awakenings": (2.0, 1.0, True),
    "mood_next_day": (6.0, 1.5, False),
    "anxiety_next_day": (3.5, 1.5, True),
}
PRIMARY = ("sol_min", "waso_min", "tst_min", "mood_next_day", "anxiety_next_day")
INDEX = "sleep_and_mood_index"
"""The withdrawal question's outcome: the primary outcomes, each in units of its own SD."""
LOADING = 0.6
"""Share of each outcome's standardized variation that is the shared night factor (squared)."""


@dataclass(frozen=True, slots=True)
class World:
    """The knobs of one simulated person."""

    n_days: int = 84
    rho: float = 0.5
    use_share: float = 0.6
    habit_persistence: float = 0.85
    sustained_sd: float = 0.0
    rebound_sd: float = 0.0
    missing_share: float = 0.0
    mnar_slope: float = 1.0
    caffeine_sleep_sd: float = 0.15
    stress_sleep_sd: float = 0.3
    stress_use: float = 0.15
    outlier_rate: float = 0.01
    forced_outlier: bool = False
    runs_pattern: bool = False
    """Use in runs of 2-5 days separated by breaks (1 + geometric) instead of the urge model."""

    def summary(self) -> str:
        """One line."""
        return (
            f"n={self.n_days} rho={self.rho} use={self.use_share:.0%} sustained={self.sustained_sd} "
            f"rebound={self.rebound_sd} missing={self.missing_share:.0%}"
        )


@dataclass(frozen=True, slots=True)
class Journal:
    """A simulated journal and what is true about it."""

    table: DayTable
    world: World
    dosed: np.ndarray
    rebound_nights: np.ndarray
    """Nights (indices) that carry the rebound."""
    outlier_day: int | None

    def true_rebound(self, outcome: str, nights: np.ndarray, dosed_nights: np.ndarray) -> float:
        """The true mean difference (outcome units) between ``nights`` and ``dosed_nights``.

        Both are boolean masks chosen by the engine; the truth is what the generator added.
        """
        if outcome == INDEX:
            return self._true_index_rebound(nights, dosed_nights)
        mean, sd, worse_up = OUTCOMES[outcome]
        del mean
        sign = 1.0 if worse_up else -1.0
        effect = np.where(self.rebound_nights, self.world.rebound_sd, 0.0) * sign * sd
        effect -= np.where(self.dosed > 0, self.world.sustained_sd, 0.0) * sign * sd
        if not nights.any() or not dosed_nights.any():
            return float("nan")
        return float(effect[nights].mean() - effect[dosed_nights].mean())

    def _true_index_rebound(self, nights: np.ndarray, dosed_nights: np.ndarray) -> float:
        """The truth on the sleep-and-mood index: each primary outcome's true difference in
        units of its observed SD, signed so that worse is positive, averaged."""
        parts = []
        for name in PRIMARY:
            _, _, worse_up = OUTCOMES[name]
            values = self.table.column(name)
            finite = values[np.isfinite(values)]
            if finite.size < 3 or float(np.std(finite, ddof=1)) <= 0:
                continue
            diff = self.true_rebound(name, nights, dosed_nights)
            parts.append(diff * (1.0 if worse_up else -1.0) / float(np.std(finite, ddof=1)))
        return float(np.mean(parts)) if parts else float("nan")

    def true_sustained(self, outcome: str) -> float:
        """Dosed minus break nights (outcome units): the sustained effect, signed."""
        _, sd, worse_up = OUTCOMES[outcome]
        return -self.world.sustained_sd * sd * (1.0 if worse_up else -1.0)


def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    out = np.empty(n)
    out[0] = rng.standard_normal()
    shock = rng.standard_normal(n) * np.sqrt(1.0 - rho**2)
    for t in range(1, n):
        out[t] = rho * out[t - 1] + shock[t]
    return out


def _runs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Runs of 2-5 days with kratom, each followed by 1 or more days without (mean about 2.5)."""
    out = np.zeros(n)
    t = int(rng.integers(0, 3))
    while t < n:
        length = int(rng.integers(2, 6))
        out[t : t + length] = 1.0
        t += length + 1 + int(rng.geometric(0.45)) - 1 + int(rng.random() < 0.08) * 6
    return out


def _use(
    rng: np.random.Generator, world: World, stress: np.ndarray, caffeine: np.ndarray
) -> np.ndarray:
    if world.runs_pattern:
        return _runs(rng, world.n_days)
    urge = _ar1(rng, world.n_days, world.habit_persistence)
    daily = rng.standard_normal(world.n_days) * 0.6
    drive = urge + daily + world.stress_use * stress + 0.1 * (caffeine / 100.0 - 1.0)
    threshold = np.quantile(drive, 1.0 - world.use_share)
    return (drive > threshold).astype(float)


def _rebound(rng: np.random.Generator, dosed: np.ndarray) -> np.ndarray:
    marks = np.zeros(len(dosed), dtype=bool)
    run = 0
    for t, took in enumerate(dosed):
        if took:
            run += 1
            continue
        if run >= 2:
            length = int(rng.integers(1, min(3, run - 1) + 1))
            for k in range(length):
                if t + k < len(dosed) and not dosed[t + k]:
                    marks[t + k] = True
                else:
                    break
        run = 0
    return marks


def simulate(world: World, rng: np.random.Generator) -> Journal:
    """One journal of ``world.n_days`` days."""
    n = world.n_days
    stress = _ar1(rng, n, 0.5)
    caffeine_late = np.where(rng.random(n) < 0.35, rng.choice([80.0, 120.0, 160.0], n), 0.0)
    caffeine_morning = rng.choice([0.0, 95.0, 190.0], n, p=[0.2, 0.5, 0.3])
    dosed = _use(rng, world, stress, caffeine_late)
    rebound = _rebound(rng, dosed)
    night = _ar1(rng, n, world.rho)
    badness = (
        world.rebound_sd * rebound
        - world.sustained_sd * dosed
        + world.caffeine_sleep_sd * caffeine_late / 100.0
        + world.stress_sleep_sd * stress
    )
    columns: dict[str, np.ndarray] = {}
    z_night = LOADING * night
    for name, (mean, sd, worse_up) in OUTCOMES.items():
        own = _ar1(rng, n, world.rho) * np.sqrt(1.0 - LOADING**2)
        sign = 1.0 if worse_up else -1.0
        z = z_night + own + badness * sign
        z = z + np.where(rng.random(n) < world.outlier_rate, 4.0 * sign, 0.0)
        columns[name] = mean + sd * z
    columns["sol_min"] = np.clip(columns["sol_min"], 0.0, None)
    columns["waso_min"] = np.clip(columns["waso_min"], 0.0, None)
    columns["awakenings"] = np.clip(np.round(columns["awakenings"]), 0.0, None)
    columns["quality"] = np.clip(np.round(columns["quality"]), 1.0, 5.0)
    for name in ("mood_next_day", "anxiety_next_day"):
        columns[name] = np.clip(np.round(columns[name] * 2) / 2, 0.0, 10.0)
    columns["mood"] = np.concatenate(([np.nan], columns["mood_next_day"][:-1]))
    outlier_day = None
    if world.forced_outlier:
        candidates = np.flatnonzero(dosed[n // 3 :] > 0) + n // 3
        outlier_day = int(rng.choice(candidates))
        columns["sol_min"][outlier_day] = 300.0
    grams = np.where(dosed > 0, np.round(rng.uniform(2.0, 6.0, n), 1), 0.0)
    evening = np.where(dosed > 0, (rng.random(n) < 0.7).astype(float), 0.0)
    exposures = {
        "kratom_day": dosed,
        "kratom_before_night": dosed,
        "evening_kratom": evening,
        "daily_kratom_grams": grams,
        "caffeine_morning_mg": caffeine_morning,
        "caffeine_late_mg": caffeine_late,
        "alcohol": (rng.random(n) < 0.1).astype(float),
        "other_substances": np.zeros(n),
    }
    logged = _logging(rng, world, badness + z_night)
    table_columns = {"logged": logged.astype(float)}
    for name, values in {**exposures, **columns}.items():
        table_columns[name] = np.where(logged, values, np.nan)
    day = np.arange(n, dtype=np.int64)
    table = DayTable(day, (day % 7).astype(np.int64), table_columns)
    return Journal(table, world, dosed, rebound, outlier_day)


def _logging(rng: np.random.Generator, world: World, bad: np.ndarray) -> np.ndarray:
    if world.missing_share <= 0:
        return np.ones(len(bad), dtype=bool)
    score = world.mnar_slope * (bad - bad.mean()) / (bad.std() or 1.0)
    # Pick the intercept so the expected share unlogged matches, by bisection.
    low, high = -10.0, 10.0
    for _ in range(50):
        mid = 0.5 * (low + high)
        share = float(np.mean(1.0 / (1.0 + np.exp(-(mid + score)))))
        low, high = (mid, high) if share < world.missing_share else (low, mid)
    unlogged = rng.random(len(bad)) < 1.0 / (1.0 + np.exp(-(low + score)))
    return ~unlogged


def truncate(journal: Journal, n_days: int) -> DayTable:
    """The journal as it looked after its first ``n_days`` days (a weekly look)."""
    table = journal.table
    columns = {k: v[:n_days] for k, v in table.columns.items()}
    return DayTable(table.day[:n_days], table.weekday[:n_days], columns)


def world_with(**changes: object) -> World:
    """A default world with some knobs changed."""
    return replace(World(), **changes)  # type: ignore[arg-type]

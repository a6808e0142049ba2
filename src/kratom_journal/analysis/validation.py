"""Monte Carlo validation of the insight engine against the naive methods other apps use.

For each simulated journal three analyses of "evening kratom -> outcome" are run:

* ``engine``: our adjusted regression with AR(1) errors (withdrawal nights left out);
* ``pearson``: Pearson correlation of the 0/1 exposure with the outcome, iid p-value;
* ``block_t``: Welch two-sample t-test of the outcome on nights with vs without kratom,
  treating days as independent (the way a StudyU-style app analyses).

The engine is validated with the minimum-data rule relaxed (3 days per level) so that the
regression itself is tested in every cell, including 28-day journals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from kratom_journal.analysis.insights import analyze, association
from kratom_journal.analysis.simulate import ScenarioSpec, simulate_days

METHODS = ("engine", "pearson", "block_t")


@dataclass(frozen=True, slots=True)
class CellResult:
    """Rejection rate (p < 0.05), 95 % interval coverage and counts for one method in one cell."""

    method: str
    runs: int
    rejection_rate: float
    coverage: float | None

    def summary(self) -> str:
        """One line."""
        cov = "   n/a" if self.coverage is None else f"{self.coverage:6.1%}"
        return f"{self.method:8s} runs={self.runs:5d} p<0.05: {self.rejection_rate:6.1%} cov: {cov}"


def _naive(exposure: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Pearson p, Welch p, and the Welch 95 % interval of the mean difference."""
    ok = np.isfinite(y)
    x, v = exposure[ok], y[ok]
    pearson_p = float(stats.pearsonr(x, v)[1])
    with_k, without = v[x > 0], v[x <= 0]
    res = stats.ttest_ind(with_k, without, equal_var=False)
    ci = res.confidence_interval(0.95)
    return pearson_p, float(res.pvalue), float(ci.low), float(ci.high)


def run_cell(
    n_days: int, rho: float, effect: float, runs: int, seed: int, confounded: bool = True
) -> dict[str, CellResult]:
    """Simulate ``runs`` journals in one cell and score the three methods.

    With ``confounded=False`` the journals have autocorrelated noise and habit-driven dosing
    only: no withdrawal, caffeine, alcohol, weekend or trend effects.
    """
    rng = np.random.default_rng(seed)
    spec = ScenarioSpec(n_days=n_days, rho=rho, effect=effect, carryover=0.5 * effect)
    if not confounded:
        spec = replace(
            spec,
            withdrawal_effect=0.0,
            weekend_effect=0.0,
            trend_total=0.0,
            caffeine_effect=0.0,
            alcohol_effect=0.0,
            caffeine_push=0.0,
        )
    rejected = dict.fromkeys(METHODS, 0)
    covered = {"engine": 0, "block_t": 0}
    counted = dict.fromkeys(METHODS, 0)
    for _ in range(runs):
        sim = simulate_days(spec, rng)
        table = sim.table
        exposure = table.column("evening_kratom")
        y = table.column("outcome")
        ok = np.isfinite(y)
        if min(np.sum(exposure[ok] > 0), np.sum(exposure[ok] <= 0)) < 3:
            continue
        pearson_p, welch_p, welch_lo, welch_hi = _naive(exposure, y)
        for name, p in (("pearson", pearson_p), ("block_t", welch_p)):
            counted[name] += 1
            rejected[name] += p < 0.05
        covered["block_t"] += welch_lo <= effect <= welch_hi
        raw = association(table, "evening_kratom", "outcome", min_days=3)
        if raw.p_value is None or raw.ci_low is None or raw.ci_high is None:
            continue
        counted["engine"] += 1
        rejected["engine"] += raw.p_value < 0.05
        covered["engine"] += raw.ci_low <= effect <= raw.ci_high
    out = {}
    for name in METHODS:
        n = counted[name]
        cov = covered[name] / n if name in covered and n else None
        out[name] = CellResult(name, n, rejected[name] / n if n else math.nan, cov)
    return out


def null_journal_share(users: int, n_days: int, rho: float, seed: int) -> tuple[float, int]:
    """Share of simulated null journals with any ``associated_*`` verdict, and tests per user.

    Each journal has seven exposures (evening kratom, its grams, daily grams, doses per day,
    a strain and a form contrast, 7-OH) and six outcomes, none affected by any exposure,
    plus the two mood-sleep paths: 44 tests, all adjusted together.
    """
    from kratom_journal.analysis.daytable import DayTable

    outcomes = ("sol_min", "waso_min", "tst_min", "se_pct", "quality", "mood_next_day")
    rng = np.random.default_rng(seed)
    hits = 0
    n_tests = 0
    for _ in range(users):
        sim = simulate_days(
            ScenarioSpec(n_days=n_days, rho=rho, withdrawal_effect=0.0),
            rng,
            outcomes=outcomes,
            effects={},
        )
        cols = dict(sim.table.columns)
        kratom = cols["evening_kratom"]
        n = len(kratom)
        cols["doses_per_day"] = kratom * rng.integers(1, 3, size=n)
        cols["daily_kratom_grams"] = cols["evening_kratom_grams"] * (1 + cols["doses_per_day"]) / 2
        strain = rng.random(n) < 0.5
        form = rng.random(n) < 0.5
        cols["strain_red_bali"] = np.where(kratom > 0, strain.astype(float), np.nan)
        cols["form_capsule"] = np.where(kratom > 0, form.astype(float), np.nan)
        cols["seven_oh"] = (rng.random(n) < 0.3).astype(float)
        cols["mood"] = rng.standard_normal(n)
        table = DayTable(sim.table.day, sim.table.weekday, cols)
        report = analyze(table, outcomes=outcomes)
        n_tests = max(n_tests, report.n_tests)
        hits += report.any_association()
    return hits / users, n_tests

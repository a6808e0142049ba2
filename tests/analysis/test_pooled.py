"""Random-effects pooling of per-person estimates (analysis/pooled.py).

What is tested: the published results of the BCG vaccine meta-analysis (Colditz et al.
1994; the REML fit reported by Viechtbauer 2010, J Stat Softw 36(3), for metafor's
``dat.bcg``), REML against an independent numerical maximization of the restricted
likelihood, the Hartung-Knapp interval and the prediction interval against their
formulas, the Q-profile interval against the chi-square quantiles, and properties of
the shrunken estimates.
What is NOT tested here: coverage over many simulated studies (bench/pooled_validation.py)
and the study end to end (tests/server/test_study_end_to_end.py).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import (
    ExperimentPlan,
    analyze_experiment,
    frozen_hash,
    make_schedule,
)
from kratom_journal.analysis.pooled import Z_975, generalized_q, person_input, pool

# Colditz et al. 1994: BCG-vaccinated (tb+, tb-) and unvaccinated (tb+, tb-), 13 trials.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg_log_risk_ratios() -> tuple[np.ndarray, np.ndarray]:
    y = np.array([math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in BCG])
    v = np.array([1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in BCG])
    return y, v


def test_the_bcg_meta_analysis_as_published() -> None:
    y, v = bcg_log_risk_ratios()
    result = pool(y, np.sqrt(v))
    assert result.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert result.tau == pytest.approx(0.5597, abs=5e-5)
    assert result.mean == pytest.approx(-0.7145, abs=5e-5)
    assert result.wald_se == pytest.approx(0.1798, abs=5e-5)
    assert result.q == pytest.approx(152.2330, abs=5e-4)
    assert 100 * result.i2 == pytest.approx(92.22, abs=5e-3)
    assert result.tau2_ci == pytest.approx((0.1197, 1.1115), abs=5e-5)


def _reml_negative_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    # Written out again, independently of the module (Harville 1977's restricted likelihood).
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


def test_reml_agrees_with_a_direct_maximization() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        k = int(rng.integers(3, 30))
        v = rng.uniform(0.05, 2.0, k)
        y = rng.normal(0.4, 0.7, k) + rng.normal(0, np.sqrt(v))
        found = optimize.minimize_scalar(
            _reml_negative_loglik,
            bounds=(0, 50),
            args=(y, v),
            method="bounded",
            options={"xatol": 1e-12},
        )
        direct = max(0.0, float(found.x))
        if _reml_negative_loglik(0.0, y, v) <= found.fun:
            direct = 0.0
        assert pool(y, np.sqrt(v)).tau2 == pytest.approx(direct, abs=1e-6)


def test_hartung_knapp_and_prediction_intervals_follow_their_formulas() -> None:
    y, v = bcg_log_risk_ratios()
    result = pool(y, np.sqrt(v))
    k = len(y)
    w = 1 / (v + result.tau2)
    q = np.sum(w * (y - result.mean) ** 2) / (k - 1)
    se = math.sqrt(q / np.sum(w))
    assert result.mean_se == pytest.approx(se, rel=1e-12)
    t = stats.t.ppf(0.975, k - 1)
    assert result.mean_ci == pytest.approx((result.mean - t * se, result.mean + t * se))
    half = stats.t.ppf(0.975, k - 2) * math.sqrt(result.tau2 + se**2)
    assert result.prediction == pytest.approx((result.mean - half, result.mean + half))
    assert result.mean_p == pytest.approx(2 * stats.t.sf(abs(result.mean) / se, k - 1))


def test_q_profile_bounds_meet_the_chi_square_quantiles() -> None:
    y, v = bcg_log_risk_ratios()
    low, high = pool(y, np.sqrt(v)).tau2_ci
    df = len(y) - 1
    assert generalized_q(y, v, low) == pytest.approx(stats.chi2.ppf(0.975, df), rel=1e-8)
    assert generalized_q(y, v, high) == pytest.approx(stats.chi2.ppf(0.025, df), rel=1e-8)


def test_identical_effects_give_no_spread_and_full_shrinkage() -> None:
    result = pool([1.0, 1.02, 0.98, 1.0], [0.5, 0.4, 0.6, 0.5])
    assert result.tau2 == 0.0 and result.tau2_ci[0] == 0.0
    assert all(p.shrunken == pytest.approx(result.mean) for p in result.people)


def test_too_few_or_broken_estimates_are_refused() -> None:
    with pytest.raises(AnalysisError, match="at least two"):
        pool([1.0], [0.2])
    with pytest.raises(AnalysisError, match="finite"):
        pool([1.0, float("nan")], [0.2, 0.3])
    with pytest.raises(AnalysisError, match="finite"):
        pool([1.0, 2.0], [0.2, 0.0])


people = st.lists(st.tuples(st.floats(-5, 5), st.floats(0.05, 3)), min_size=3, max_size=25)


@given(people)
@settings(max_examples=60, deadline=None)
def test_shrunken_estimates_lie_between_own_estimate_and_the_mean(
    rows: list[tuple[float, float]],
) -> None:
    result = pool([r[0] for r in rows], [r[1] for r in rows])
    assert sum(p.weight for p in result.people) == pytest.approx(1.0)
    assert result.mean_ci[0] <= result.mean <= result.mean_ci[1]
    for person in result.people:
        low, high = sorted((person.estimate, result.mean))
        assert low - 1e-9 <= person.shrunken <= high + 1e-9


@given(people, st.floats(0.1, 10), st.floats(-3, 3))
@settings(max_examples=40, deadline=None)
def test_pooling_follows_a_change_of_units(
    rows: list[tuple[float, float]], scale: float, shift: float
) -> None:
    base = pool([r[0] for r in rows], [r[1] for r in rows])
    moved = pool([scale * r[0] + shift for r in rows], [scale * r[1] for r in rows])
    assert moved.mean == pytest.approx(scale * base.mean + shift, abs=1e-6 * scale)
    assert moved.tau2 == pytest.approx(scale**2 * base.tau2, rel=1e-5, abs=1e-8 * scale**2)


def test_a_persons_input_is_read_from_the_engines_interval() -> None:
    plan = ExperimentPlan(
        "A", "B", "tst_min", Comparison.STRAIN, Design.DAY, 14, date(2024, 1, 1), 11
    )
    schedule = make_schedule(plan)
    rng = np.random.default_rng(3)
    outcomes = {
        d.day: 400 + 20 * (d.condition == "A") + float(rng.normal(0, 10)) for d in schedule.days
    }
    result = analyze_experiment(plan, schedule, frozen_hash(plan, schedule), outcomes, draws=200)
    found = person_input(result)
    assert found is not None and result.ci_low is not None and result.ci_high is not None
    estimate, se = found
    assert estimate == result.estimate
    assert se == pytest.approx((result.ci_high - result.ci_low) / (2 * Z_975))
    assert person_input(replace(result, estimate=None)) is None
    assert person_input(replace(result, ci_low=None, ci_high=None)) is None
    assert person_input(replace(result, ci_low=estimate, ci_high=estimate)) is None

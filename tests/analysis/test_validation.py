"""Simulation checks of honesty: false-positive rate, coverage, and the null-journal share.

These are small versions of ``bench/nof1_validation.py`` (which uses 2,000 runs per cell).
Seeds are fixed, so results are reproducible; with 300 runs per cell the Monte Carlo
standard error at 5 % is about 1.3 points, so an engine whose true rate were 9 % or more
would fail the 7 % bar with high probability.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from kratom_journal.analysis.simulate import ScenarioSpec, ar1_noise, simulate_days
from kratom_journal.analysis.validation import CellResult, null_journal_share, run_cell

RHOS = (0.0, 0.3, 0.5, 0.7)


@cache
def null_cell(n_days: int, rho: float) -> dict[str, CellResult]:
    return run_cell(n_days, rho, effect=0.0, runs=300, seed=1000 + n_days * 10 + int(rho * 10))


@pytest.mark.parametrize("n_days", [28, 56, 84])
def test_false_positive_rate_at_most_7_percent(n_days: int) -> None:
    for rho in RHOS:
        cell = null_cell(n_days, rho)
        engine = cell["engine"]
        assert engine.runs >= 150
        assert engine.rejection_rate <= 0.07, (n_days, rho, engine.summary())
        assert engine.coverage is not None and engine.coverage >= 0.93


def test_naive_pearson_is_inflated_where_the_engine_is_not() -> None:
    cell = null_cell(84, 0.7)
    assert cell["pearson"].rejection_rate > 0.10
    assert cell["block_t"].rejection_rate > 0.10
    assert cell["engine"].rejection_rate < cell["pearson"].rejection_rate


@pytest.mark.slow
@pytest.mark.parametrize("n_days", [28, 56, 84])
def test_interval_covers_a_true_effect(n_days: int) -> None:
    for rho in RHOS:
        cell = run_cell(n_days, rho, effect=0.5, runs=200, seed=2000 + n_days + int(rho * 10))
        coverage = cell["engine"].coverage
        assert coverage is not None and 0.92 <= coverage <= 0.99, (n_days, rho, coverage)


@pytest.mark.slow
def test_null_journal_share_with_any_association_is_at_most_10_percent() -> None:
    share, tests_per_user = null_journal_share(users=60, n_days=150, rho=0.5, seed=77)
    assert tests_per_user >= 40
    assert share <= 0.10


def test_simulation_is_seeded_and_has_the_requested_shape() -> None:
    spec = ScenarioSpec(n_days=400, rho=0.5)
    first = simulate_days(spec, np.random.default_rng(5))
    second = simulate_days(spec, np.random.default_rng(5))
    for name, values in first.table.columns.items():
        np.testing.assert_array_equal(values, second.table.columns[name])
    missing = np.isnan(first.table.column("outcome")).mean()
    assert 0.15 < missing < 0.25
    kratom = first.table.column("evening_kratom")
    # Habit: dosing tonight is likelier after dosing last night.
    assert kratom[1:][kratom[:-1] > 0].mean() > kratom[1:][kratom[:-1] == 0].mean() + 0.2


def test_ar1_noise_has_the_requested_autocorrelation() -> None:
    noise = ar1_noise(np.random.default_rng(0), 20000, 0.7, 2.0)
    assert np.corrcoef(noise[1:], noise[:-1])[0, 1] == pytest.approx(0.7, abs=0.02)
    assert noise.std() == pytest.approx(2.0, rel=0.05)

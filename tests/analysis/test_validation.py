"""The journal simulator used by the experiment power table: seeded, with the requested shape.

The engine's honesty is checked on journals from an independent generator in
``tests/analysis/test_independent_validation.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from kratom_journal.analysis.simulate import ScenarioSpec, ar1_noise, simulate_days


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

"""Fixtures for the analysis tests: simulated day tables with a known truth."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.simulate import ScenarioSpec, simulate_days

OUTCOMES = ("sol_min", "waso_min", "quality", "mood_next_day")

TableMaker = Callable[..., DayTable]


SCALES = {"sol_min": (25.0, 15.0), "waso_min": (30.0, 20.0)}
"""Minutes outcomes on their own scale (mean, night-to-night SD); the others stay in SD units."""


def make_table(
    n_days: int = 120,
    seed: int = 0,
    effect: float = 0.0,
    rho: float = 0.4,
    withdrawal_effect: float = 0.0,
) -> DayTable:
    """A journal; ``effect`` (in SD units) applies to sol_min only, in minutes (SD 15 min)."""
    rng = np.random.default_rng(seed)
    spec = ScenarioSpec(n_days=n_days, rho=rho, withdrawal_effect=withdrawal_effect)
    sim = simulate_days(spec, rng, outcomes=OUTCOMES, effects={"sol_min": effect})
    cols = dict(sim.table.columns)
    for name, (mean, sd) in SCALES.items():
        cols[name] = mean + sd * cols[name]
    cols["mood"] = np.concatenate(([np.nan], cols["mood_next_day"][:-1]))
    return DayTable(sim.table.day, sim.table.weekday, cols)


@pytest.fixture
def table_maker() -> TableMaker:
    return make_table

"""Simulated self-experiments, for the experiment figures of the bench and the power table.

Every run draws a fresh randomized schedule (a new seed), so the figures hold over schedules,
not for one lucky one. The outcome follows an AR(1) process (SD 1) plus:

* the true difference ``effect`` on A days;
* carry-over: on the first days after a switch the previous condition lingers (50 % of its
  effect the first day, 25 % the second);
* optionally, for kratom (A) against none (B), a rebound: after an A period, the first
  ``1 .. 3`` B days are worse by ``rebound`` SD;
* a share of nights not logged.

Written for the bench: nothing here comes from ``kratom_journal.analysis.simulate``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.experiments import (
    ALPHA,
    ExperimentPlan,
    Schedule,
    analyze_experiment,
    frozen_hash,
    make_schedule,
    randomization_p_value,
)

START = date(2026, 1, 5)
CARRYOVER = (0.5, 0.25)


def plan_for(
    comparison: Comparison, design: Design, pairs: int, block_days: int = 1, washout: int = 0
) -> ExperimentPlan:
    """A plan with placeholder names (the seed is replaced in every run)."""
    return ExperimentPlan(
        "A", "B", "sol_min", comparison, design, pairs, START, 0, block_days, washout
    )


def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    out = np.empty(n)
    out[0] = rng.standard_normal()
    shocks = rng.standard_normal(n) * np.sqrt(1 - rho**2)
    for t in range(1, n):
        out[t] = rho * out[t - 1] + shocks[t]
    return out


def outcomes(
    schedule: Schedule,
    rng: np.random.Generator,
    effect: float,
    rho: float = 0.5,
    missing: float = 0.1,
    carryover: bool = True,
    rebound: float = 0.0,
    carry: tuple[float, ...] = CARRYOVER,
) -> dict[date, float]:
    """One simulated outcome per scheduled day (missing days left out)."""
    days = schedule.days
    n = len(days)
    is_a = np.array([d.condition == "A" for d in days], dtype=float)
    y = _ar1(rng, n, rho) + effect * is_a
    switch = 0
    for t in range(1, n):
        if days[t].condition != days[t - 1].condition:
            switch = t
            if rebound and days[t].condition == "B":
                for k in range(int(rng.integers(1, 4))):
                    if t + k < n and days[t + k].condition == "B":
                        y[t + k] += rebound
        since = t - switch
        if carryover and switch and since < len(carry):
            y[t] += carry[since] * effect * (is_a[switch - 1] - is_a[t])
    logged = rng.random(n) >= missing
    return {d.day: float(v) for d, v, ok in zip(days, y, logged, strict=True) if ok}


def fresh(plan: ExperimentPlan, rng: np.random.Generator) -> tuple[ExperimentPlan, Schedule]:
    """The plan with a new random seed, and its schedule."""
    seeded = replace(plan, seed=int(rng.integers(0, 2**31 - 1)))
    return seeded, make_schedule(seeded)


def power(
    plan: ExperimentPlan,
    effect: float,
    runs: int,
    seed: int,
    rho: float = 0.5,
    carry: tuple[float, ...] = CARRYOVER,
) -> float:
    """Share of runs whose final randomization test reaches p <= 0.05 (``carry``: the share of
    the previous condition's effect left on each day after a switch)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        seeded, schedule = fresh(plan, rng)
        rebound = 1.0 if plan.comparison is Comparison.KRATOM_VS_NONE else 0.0
        data = outcomes(schedule, rng, effect, rho=rho, rebound=rebound, carry=carry)
        try:
            _, p, _ = randomization_p_value(schedule, data, draws=2000, seed=seeded.seed)
        except Exception:  # noqa: BLE001 - a run with one condition unlogged counts as a miss
            continue
        hits += p <= ALPHA
    return hits / runs


@dataclass
class ExperimentFigures:
    """Error rates, power, coverage and agreement of one design."""

    runs: int = 0
    any_look: int = 0
    final: int = 0
    covered: int = 0
    agree: int = 0


def weekly_looks(
    plan: ExperimentPlan,
    runs: int,
    seed: int,
    effect: float = 0.0,
    rebound: float = 0.0,
    draws: int = 2000,
    rho: float = 0.5,
) -> ExperimentFigures:
    """Read the result every 7 days and at the end, as a person might."""
    rng = np.random.default_rng(seed)
    figures = ExperimentFigures()
    for _ in range(runs):
        seeded, schedule = fresh(plan, rng)
        digest = frozen_hash(seeded, schedule)
        data = outcomes(schedule, rng, effect, rho=rho, rebound=rebound)
        last = schedule.days[-1].day
        look_days = [d.day for i, d in enumerate(schedule.days) if (i + 1) % 7 == 0]
        if look_days[-1] != last:
            look_days.append(last)
        figures.runs += 1
        seen = False
        for day in look_days:
            so_far = {d: v for d, v in data.items() if d <= day}
            try:
                result = analyze_experiment(
                    seeded, schedule, digest, so_far, today=day, draws=draws
                )
            except Exception:  # noqa: BLE001 - nothing analysable yet at an early look
                continue
            seen = seen or result.clear
            if day == last:
                figures.final += result.clear
                assert result.ci_low is not None and result.ci_high is not None
                figures.covered += result.ci_low <= effect <= result.ci_high
                excludes_zero = not (result.ci_low <= 0.0 <= result.ci_high)
                figures.agree += excludes_zero == (result.randomization_p <= ALPHA)
        figures.any_look += seen
    return figures

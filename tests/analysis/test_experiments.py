"""Randomized self-experiments: design checks, schedule, hash, randomization test, result."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import (
    Comparison,
    Design,
    ExperimentPlan,
    analyze_experiment,
    check_design,
    frozen_hash,
    make_schedule,
    pairs_needed,
    plan_from_json,
    plan_to_json,
    randomization_p_value,
    schedule_from_json,
    schedule_to_json,
    withdrawal_warning,
)
from kratom_journal.analysis.simulate import simulate_experiment_outcomes

START = date(2026, 1, 5)


def block_plan(pairs: int = 5, seed: int = 11) -> ExperimentPlan:
    return ExperimentPlan(
        "red strain",
        "green strain",
        "sol_min",
        Comparison.STRAIN,
        Design.BLOCK,
        pairs,
        START,
        seed,
        block_days=3,
        washout_days=1,
    )


def day_plan(pairs: int = 28, seed: int = 3) -> ExperimentPlan:
    return ExperimentPlan(
        "kratom at 18:00",
        "kratom at 14:00",
        "sol_min",
        Comparison.TIMING,
        Design.DAY,
        pairs,
        START,
        seed,
    )


def brute_force_p(plan: ExperimentPlan, outcomes: dict[date, float]) -> float:
    """Independent enumeration: rebuild every possible schedule and recompute the statistic."""
    schedule = make_schedule(plan)
    analysed = [
        d
        for d in schedule.days
        if not d.washout and d.day in outcomes and math.isfinite(outcomes[d.day])
    ]

    def stat(flips: tuple[int, ...]) -> float:
        a, b = [], []
        for d in analysed:
            is_a = (d.condition == "A") != bool(flips[d.pair])
            (a if is_a else b).append(outcomes[d.day])
        return sum(a) / len(a) - sum(b) / len(b)

    observed = abs(stat((0,) * plan.pairs))
    values = [abs(stat(f)) for f in itertools.product((0, 1), repeat=plan.pairs)]
    return sum(v >= observed - 1e-9 for v in values) / len(values)


def test_exact_p_value_matches_exhaustive_enumeration() -> None:
    plan = block_plan(pairs=6)
    schedule = make_schedule(plan)
    rng = np.random.default_rng(0)
    outcomes = {
        d.day: float(20 + 5 * rng.standard_normal() - 4 * (d.condition == "A"))
        for d in schedule.days
    }
    outcomes.pop(schedule.days[4].day)  # a missing night
    _, p, exact = randomization_p_value(schedule, outcomes)
    assert exact
    assert p == pytest.approx(brute_force_p(plan, outcomes), abs=1e-12)


def test_monte_carlo_p_value_is_close_to_exact() -> None:
    plan = day_plan(pairs=14)
    schedule = make_schedule(plan)
    rng = np.random.default_rng(1)
    outcomes = {
        d.day: float(rng.standard_normal() + 0.5 * (d.condition == "A")) for d in schedule.days
    }
    _, exact_p, exact = randomization_p_value(schedule, outcomes)
    assert exact
    many = replace(plan, pairs=14)
    from kratom_journal.analysis import experiments

    limit = experiments.EXACT_LIMIT
    experiments.EXACT_LIMIT = 4
    try:
        _, mc_p, mc_exact = randomization_p_value(make_schedule(many), outcomes, draws=40000)
    finally:
        experiments.EXACT_LIMIT = limit
    assert not mc_exact
    assert mc_p == pytest.approx(exact_p, abs=0.01)


def test_designs_that_cannot_reach_significance_are_refused() -> None:
    assert pairs_needed() == 6
    with pytest.raises(AnalysisError, match=r"0\.062.*add 1 more pair"):
        check_design(block_plan(pairs=5))
    check_design(block_plan(pairs=6))
    weekly = ExperimentPlan(
        "a",
        "b",
        "sol_min",
        Comparison.STRAIN,
        Design.BLOCK,
        4,
        START,
        1,
        block_days=7,
        washout_days=2,
    )
    with pytest.raises(AnalysisError, match="28 more days"):
        check_design(weekly)


def test_schedule_is_reproducible_balanced_and_has_washout() -> None:
    plan = block_plan(pairs=6)
    first, second = make_schedule(plan), make_schedule(plan)
    assert first == second
    assert len(first.days) == plan.total_days == 36
    for pair in range(plan.pairs):
        days = [d for d in first.days if d.pair == pair]
        assert sorted(d.condition for d in days) == ["A"] * 3 + ["B"] * 3
        assert [d.washout for d in days] == [True, False, False, True, False, False]
    assert make_schedule(replace(plan, seed=12)) != first or plan.pairs < 3


def test_hash_freezes_schedule_outcome_and_plan() -> None:
    plan = day_plan()
    schedule = make_schedule(plan)
    digest = frozen_hash(plan, schedule)
    assert len(digest) == 64 and digest == frozen_hash(plan, make_schedule(plan))
    assert frozen_hash(replace(plan, outcome="waso_min"), schedule) != digest
    assert frozen_hash(replace(plan, seed=99), schedule) != digest
    other = make_schedule(replace(plan, seed=99))
    assert frozen_hash(plan, other) != digest or other == schedule


def test_changed_schedule_is_reported() -> None:
    plan = day_plan(pairs=6)
    schedule = make_schedule(plan)
    outcomes = {d.day: float(i % 5) for i, d in enumerate(schedule.days)}
    result = analyze_experiment(plan, schedule, "0" * 64, outcomes)
    assert not result.hash_ok
    assert result.cent_items()["integrity"] == "SCHEDULE CHANGED AFTER START"


def test_no_logged_nights_is_a_clear_error() -> None:
    plan = day_plan(pairs=6)
    schedule = make_schedule(plan)
    with pytest.raises(AnalysisError, match="no night of the experiment"):
        analyze_experiment(plan, schedule, frozen_hash(plan, schedule), {})
    only_a = {d.day: 1.0 for d in schedule.days if d.condition == "A"}
    with pytest.raises(AnalysisError, match="only one of the two conditions"):
        analyze_experiment(plan, schedule, frozen_hash(plan, schedule), only_a)


def test_withdrawal_warning_for_daily_user_planning_kratom_vs_none() -> None:
    plan = ExperimentPlan(
        "usual kratom",
        "no kratom",
        "sol_min",
        Comparison.KRATOM_VS_NONE,
        Design.BLOCK,
        6,
        START,
        1,
        block_days=4,
        washout_days=1,
    )
    warning = withdrawal_warning(plan, regular_user=True)
    assert warning is not None
    assert "withdrawal" in warning and "clinician" in warning and "strain" in warning
    assert withdrawal_warning(plan, regular_user=False) is None
    assert withdrawal_warning(block_plan(), regular_user=True) is None


def test_result_reports_cent_items_and_adherence() -> None:
    plan = day_plan(pairs=8)
    schedule = make_schedule(plan)
    rng = np.random.default_rng(2)
    outcomes = {d.day: float(30 + 10 * rng.standard_normal()) for d in schedule.days}
    adherence = {d.day: i != 3 for i, d in enumerate(schedule.days)}
    result = analyze_experiment(
        plan, schedule, frozen_hash(plan, schedule), outcomes, adherence, draws=2000
    )
    items = result.cent_items()
    for key in (
        "design",
        "periods",
        "washout",
        "outcome",
        "randomization",
        "adherence",
        "missing",
        "deviations",
        "analysis",
    ):
        assert items[key]
    assert result.adherence == pytest.approx(15 / 16)
    assert result.deviations == (schedule.days[3].day,)
    assert "randomization p" in result.summary()


def test_eight_week_experiment_recovers_a_15_minute_effect() -> None:
    # 56 days, day-level design, AR(1) noise rho 0.5 with SD 15 min, 10 % missing nights,
    # true A - B difference -15 min: the 95 % interval must cover -15 in >= 93 % of runs.
    plan = day_plan(pairs=28)
    schedule = make_schedule(plan)
    digest = frozen_hash(plan, schedule)
    conditions = [d.condition for d in schedule.days]
    rng = np.random.default_rng(2026)
    runs, covered, significant = 300, 0, 0
    for _ in range(runs):
        values = simulate_experiment_outcomes(conditions, rng, effect=-15.0)
        outcomes = {d.day: v for d, v in zip(schedule.days, values, strict=True)}
        result = analyze_experiment(plan, schedule, digest, outcomes, draws=1000)
        assert result.ci_low is not None and result.ci_high is not None
        covered += result.ci_low <= -15.0 <= result.ci_high
        significant += result.randomization_p <= 0.05
    assert covered / runs >= 0.93
    assert significant / runs >= 0.8


def test_randomization_test_holds_its_level_under_the_null() -> None:
    plan = day_plan(pairs=10)
    schedule = make_schedule(plan)
    conditions = [d.condition for d in schedule.days]
    rng = np.random.default_rng(7)
    rejections = 0
    runs = 400
    for _ in range(runs):
        values = simulate_experiment_outcomes(conditions, rng, effect=0.0, rho=0.7)
        outcomes = {d.day: v for d, v in zip(schedule.days, values, strict=True)}
        _, p, _ = randomization_p_value(schedule, outcomes)
        rejections += p <= 0.05
    assert rejections / runs <= 0.07


@given(
    pairs=st.integers(min_value=1, max_value=12),
    block=st.integers(min_value=2, max_value=7),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    data=st.data(),
)
def test_plan_and_schedule_round_trip_through_json(
    pairs: int, block: int, seed: int, start: date, data: st.DataObject
) -> None:
    washout = data.draw(st.integers(min_value=0, max_value=block - 1))
    plan = ExperimentPlan(
        "A thing",
        "B thing",
        "waso_min",
        Comparison.STRAIN,
        Design.BLOCK,
        pairs,
        start,
        seed,
        block_days=block,
        washout_days=washout,
    )
    assert plan_from_json(plan_to_json(plan)) == plan
    schedule = make_schedule(plan)
    assert schedule_from_json(schedule_to_json(schedule)) == schedule

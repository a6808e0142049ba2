"""Kratom against none only in blocks with washout; the interval agrees with the p-value;
interim looks are provisional; questionnaires are not nightly outcomes.

Small versions of the experiment figures of ``bench/nof1_validation.py``.
"""

from __future__ import annotations

from datetime import date

import pytest
from bench.experiment_checks import plan_for, weekly_looks

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiment_plan import ExperimentPlan, check_design

START = date(2026, 1, 5)


def test_kratom_against_none_day_by_day_is_refused_with_what_to_do() -> None:
    plan = plan_for(Comparison.KRATOM_VS_NONE, Design.DAY, 28)
    with pytest.raises(AnalysisError, match="cannot alternate day by day.*--washout 3"):
        check_design(plan)


def test_kratom_against_none_needs_three_washout_days() -> None:
    with pytest.raises(AnalysisError, match="at least 3 washout days"):
        check_design(plan_for(Comparison.KRATOM_VS_NONE, Design.BLOCK, 4, 7, 1))
    check_design(plan_for(Comparison.KRATOM_VS_NONE, Design.BLOCK, 4, 7, 3))


def test_strain_comparisons_keep_day_designs() -> None:
    check_design(plan_for(Comparison.STRAIN, Design.DAY, 28))


@pytest.mark.parametrize("outcome", ["phq9", "gad7"])
def test_two_week_questionnaires_are_not_experiment_outcomes(outcome: str) -> None:
    with pytest.raises(AnalysisError, match="two weeks"):
        ExperimentPlan("A", "B", outcome, Comparison.STRAIN, Design.DAY, 28, START, 0)


@pytest.mark.slow
def test_weekly_looks_keep_the_error_rate_and_the_interval_agrees() -> None:
    figures = weekly_looks(plan_for(Comparison.STRAIN, Design.DAY, 28), runs=40, seed=1)
    assert figures.runs == 40
    assert figures.any_look <= 5  # about 5 % expected; 5 of 40 is far in the tail
    assert figures.agree == figures.runs


@pytest.mark.slow
def test_rebound_only_does_not_make_kratom_differ_in_blocks_with_washout() -> None:
    plan = plan_for(Comparison.KRATOM_VS_NONE, Design.BLOCK, 4, 7, 3)
    figures = weekly_looks(plan, runs=30, seed=2, rebound=1.0)
    assert figures.final <= 3
    assert figures.agree == figures.runs


@pytest.mark.slow
def test_a_one_sd_sustained_use_effect_is_covered_in_blocks() -> None:
    plan = plan_for(Comparison.KRATOM_VS_NONE, Design.BLOCK, 4, 7, 3)
    figures = weekly_looks(plan, runs=30, seed=3, effect=1.0)
    assert figures.covered >= 26
    assert figures.agree == figures.runs  # power itself is printed by the bench

"""Small versions of ``bench/nof1_validation.py`` on independently simulated journals.

The bench runs >= 500 journals per cell; these run a handful, with bounds loose enough for
that size, so they catch an engine that has gone badly wrong (withdrawal read as benefit,
rebound missed, an outlier night overturning an answer, short journals left unexplained).
"""

from __future__ import annotations

import pytest
from bench.independent_journals import World
from bench.nof1_checks import run_null_cell, run_outlier_cell, run_rebound_cell, run_short_cell

pytestmark = pytest.mark.slow


def test_rebound_only_never_reads_as_better_sleep_and_is_found() -> None:
    world = World(n_days=84, rebound_sd=1.0, runs_pattern=True, missing_share=0.2)
    cell = run_rebound_cell(world, journals=10, seed=3, with_looks=False)
    assert cell.better_engine.rate == 0.0
    assert cell.detected.rate >= 0.7
    assert cell.covered.total >= 7 and cell.covered.rate >= 0.8
    # The naive analyses see a benefit that is not there at least as often.
    assert cell.better_pearson.rate >= cell.better_engine.rate


def test_null_journals_rarely_show_any_verdict_over_weekly_looks() -> None:
    world = World(n_days=70, rho=0.6, missing_share=0.3)
    cell = run_null_cell(world, journals=6, seed=5, with_looks=True, previous_looks=False)
    assert cell.journals == 6
    assert cell.any_engine.hits <= 1


def test_an_outlier_night_is_named_and_does_not_flip_the_answer() -> None:
    world = World(n_days=120, sustained_sd=0.5, use_share=0.5, habit_persistence=0.6)
    cell = run_outlier_cell(world, journals=4, seed=77)
    assert cell.named.total >= 3 and cell.named.rate >= 0.75
    assert abs(cell.found_clean.hits - cell.found_outlier.hits) <= 1


def test_28_day_journals_get_an_interval_or_are_told_what_is_missing() -> None:
    cell = run_short_cell(World(n_days=28), journals=6, seed=28)
    assert cell.questions > 0
    assert cell.estimated + cell.told_days + cell.told_reason == cell.questions


def test_the_bench_scores_the_primary_answers_the_full_engine_gives() -> None:
    import numpy as np
    from bench.independent_journals import simulate
    from bench.nof1_checks import engine_report, primaries
    from bench.primary_answers import primary_answers

    rng = np.random.default_rng(11)
    for world in (
        World(n_days=84, rho=0.6),
        World(n_days=84, rebound_sd=1.0, runs_pattern=True, missing_share=0.2),
        World(n_days=35),
    ):
        journal = simulate(world, rng)
        report = engine_report(journal.table)
        assert report is not None
        full = primaries(report)
        fast = primary_answers(journal.table)
        assert fast is not None and set(fast) == set(full)
        for key, answer in full.items():
            other = fast[key]
            assert (other.estimate, other.ci_low, other.ci_high) == (
                answer.estimate,
                answer.ci_low,
                answer.ci_high,
            ), key
            assert (other.verdict, other.reason, other.unusual) == (
                answer.verdict,
                answer.reason,
                answer.unusual,
            ), key

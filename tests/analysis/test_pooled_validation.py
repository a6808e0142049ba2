"""Simulation checks of the pooled analysis: coverage, type I error, shrinkage.

A small version of ``bench/pooled_validation.py`` (which runs >= 300 studies per cell and
holds coverage to 93-97 % and type I error to 5.5 %). Seeds are fixed, so the results are
reproducible; with 100 studies per cell the Monte Carlo standard error near 5 % is about
2 points, hence the wider bars here.
What is NOT tested here: the pooled analysis as the server runs it
(tests/server/test_study_end_to_end.py).
"""

from __future__ import annotations

from functools import cache

from kratom_journal.analysis.pooled_validation import (
    StudyOutcome,
    StudySpec,
    share,
    simulate_study,
)

STUDIES = 100


@cache
def cell(mu: float) -> list[StudyOutcome]:
    spec = StudySpec(mu=mu, people=12)
    return [simulate_study(spec, 5000 + 1000 * int(mu) + i) for i in range(STUDIES)]


def test_the_population_mean_interval_covers() -> None:
    assert 0.90 <= share(cell(30.0), "ours_covers") <= 0.99
    assert share(cell(30.0), "tau_covers") >= 0.88
    assert share(cell(30.0), "prediction_covers") >= 0.88


def test_the_type_one_error_holds_where_the_naive_t_test_inflates() -> None:
    assert share(cell(0.0), "ours_rejects") <= 0.09
    assert share(cell(0.0), "naive_rejects") > 0.12
    assert share(cell(30.0), "naive_covers") < share(cell(30.0), "ours_covers")


def test_shrunken_estimates_are_closer_to_the_truth_on_average() -> None:
    outcomes = cell(30.0)
    own = sum(o.own_sq_error for o in outcomes)
    shrunken = sum(o.shrunken_sq_error for o in outcomes)
    assert shrunken < own

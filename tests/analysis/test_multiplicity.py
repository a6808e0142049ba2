"""Benjamini-Hochberg adjustment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from kratom_journal.analysis.multiplicity import benjamini_hochberg


def test_known_answer() -> None:
    # Sorted p: 0.01, 0.03, 0.04, 0.2 with m = 4 -> 0.04, 0.06, 0.0533, 0.2;
    # running minimum from the top gives 0.04, 0.0533, 0.0533, 0.2.
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.053333, 0.053333, 0.2], abs=1e-6)


def test_matches_statsmodels() -> None:
    p = np.random.default_rng(0).random(50) ** 2
    assert benjamini_hochberg(p.tolist()) == pytest.approx(
        multipletests(p, method="fdr_bh")[1].tolist(), abs=1e-12
    )


def test_empty_and_invalid() -> None:
    assert benjamini_hochberg([]) == []
    with pytest.raises(ValueError):
        benjamini_hochberg([0.5, float("nan")])


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=60))
def test_q_is_at_least_p_at_most_one_and_keeps_the_order(p: list[float]) -> None:
    q = benjamini_hochberg(p)
    assert all(qi >= pi - 1e-15 and qi <= 1.0 for pi, qi in zip(p, q, strict=True))
    order = np.argsort(p, kind="stable")
    assert all(np.diff(np.asarray(q)[order]) >= -1e-12)

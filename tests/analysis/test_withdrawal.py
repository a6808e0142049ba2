"""Night status after skipped doses, and the rule of the older generator."""

from __future__ import annotations

import numpy as np

from kratom_journal.analysis.dependence import BREAK, UNKNOWN, is_regular_user, night_status
from kratom_journal.analysis.simulate import possible_withdrawal_nights


def test_first_two_free_nights_after_three_dosing_days_are_flagged() -> None:
    days = np.array([1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1.0])
    flags = possible_withdrawal_nights(days)
    assert flags.astype(int).tolist() == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]


def test_missing_days_count_as_no_kratom_in_the_older_generator_only() -> None:
    flags = possible_withdrawal_nights(np.array([1, 1, 1, np.nan]))
    assert flags.tolist() == [False, False, False, True]
    # The engine: an unlogged day is unknown, and so is the night after it.
    assert night_status(np.array([1, 1, 1, np.nan, 0])).tolist() == [0, 0, 0, UNKNOWN, UNKNOWN]


def test_night_status_counts_nights_since_the_last_dose() -> None:
    days = np.array([1, 0, 0, 0, 0, 1, 0, 1.0])
    assert night_status(days).tolist() == [0, 1, 2, 3, BREAK, 0, 1, 0]
    # A dose in the night (after lights-out) counts for the look-back, not for that night.
    before = np.array([1, 0, 0.0])
    any_dose = np.array([1, 1, 0.0])
    assert night_status(before, any_dose).tolist() == [0, 1, 1]


def test_regular_user() -> None:
    assert is_regular_user(np.array([1, 1, 0, 1.0]))
    assert not is_regular_user(np.array([1, 0, 0, 0.0]))
    assert not is_regular_user(np.array([]))
    assert is_regular_user(np.array([1, np.nan, np.nan, 1.0]))

"""Possible withdrawal nights."""

from __future__ import annotations

import numpy as np

from kratom_journal.analysis.withdrawal import is_regular_user, possible_withdrawal_nights


def test_first_two_free_nights_after_three_dosing_days_are_flagged() -> None:
    days = np.array([1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1.0])
    flags = possible_withdrawal_nights(days)
    assert flags.astype(int).tolist() == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]


def test_missing_days_count_as_no_kratom() -> None:
    flags = possible_withdrawal_nights(np.array([1, 1, 1, np.nan]))
    assert flags.tolist() == [False, False, False, True]


def test_regular_user() -> None:
    assert is_regular_user(np.array([1, 1, 0, 1.0]))
    assert not is_regular_user(np.array([1, 0, 0, 0.0]))
    assert not is_regular_user(np.array([]))

"""Nights that may be withdrawal nights, kept out of comparisons and shown on their own.

For someone who takes kratom most days, a night without it is not a fair "control": sleep
and mood on the first nights after stopping may reflect withdrawal rather than the absence
of an effect.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MIN_RUN = 3
"""Consecutive days with kratom before a skipped day counts as a possible withdrawal night."""

FLAGGED_NIGHTS = 2
"""How many nights after the last dosing day are flagged."""


def possible_withdrawal_nights(kratom_day: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Flag the first two kratom-free days after a run of at least three kratom days.

    Parameters
    ----------
    kratom_day : array of 0/1 (NaN counts as 0), one value per consecutive day

    Returns
    -------
    boolean array, True on possible withdrawal nights

    Examples
    --------
    >>> possible_withdrawal_nights(np.array([1, 1, 1, 0, 0, 0, 1, 0.])).astype(int).tolist()
    [0, 0, 0, 1, 1, 0, 0, 0]
    """
    took = np.nan_to_num(np.asarray(kratom_day, dtype=np.float64)) > 0
    flags = np.zeros(len(took), dtype=bool)
    run = 0
    since_stop = 0
    armed = False
    for t, dosed in enumerate(took):
        if dosed:
            run += 1
            since_stop = 0
            armed = run >= MIN_RUN
            continue
        run = 0
        if armed:
            since_stop += 1
            if since_stop <= FLAGGED_NIGHTS:
                flags[t] = True
            else:
                armed = False
    return flags


def is_regular_user(kratom_day: NDArray[np.float64], share: float = 0.5) -> bool:
    """True when kratom was taken on at least ``share`` of the days."""
    took = np.nan_to_num(np.asarray(kratom_day, dtype=np.float64)) > 0
    return bool(len(took) and took.mean() >= share)

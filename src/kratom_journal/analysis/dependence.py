"""Where each night stands in a person's pattern of use: dosed, just after a skipped dose, or
well into a break.

For someone who takes kratom on most days, a night without it is not a neutral "control":
the first nights after a skipped dose can be worse (rebound insomnia, withdrawal), while a
night deep into a break is the fair comparison for "what do nights with kratom look like".
The journal therefore asks two separate questions of every outcome:

* the **sustained-use difference**: nights on days with kratom against nights of a break
  of more than ``MAX_WINDOW`` kratom-free days;
* the **rebound**: nights 1, 2, ... ``w`` after a skipped dose against nights on days with
  kratom, with the window ``w`` scanned over ``1 ... MAX_WINDOW`` (the scan is counted in
  the interval; see :mod:`kratom_journal.analysis.questions`).

A day that was not logged is unknown: it is never taken as a day without kratom, so a night
whose recent history runs into an unlogged day has an unknown status and is left out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MAX_WINDOW = 3
"""Longest rebound window scanned (nights after the last dose); later nights are a break.

Kratom withdrawal symptoms typically begin 12-48 hours after the last dose and sleep
problems are most common in the first days (Stanciu CN et al. Kratom withdrawal: a
systematic review with case series. J Psychoactive Drugs 2019;51(1):12-18.
doi:10.1080/02791072.2018.1562133); the window is a documented heuristic, not a fitted value.
"""

DOSED = 0
UNKNOWN = -1
BREAK = MAX_WINDOW + 1


def night_status(
    dosed_before_night: FloatArray,
    dosed_day: FloatArray | None = None,
    max_window: int = MAX_WINDOW,
) -> IntArray:
    """Status of every night: 0 dosed, ``k`` the k-th night after a skipped dose, or a break.

    Parameters
    ----------
    dosed_before_night : 1 if kratom was taken on that journal day before the night began,
        0 if not, NaN if the day was not logged; one value per consecutive day
    dosed_day : 1 if kratom was taken at any time in that journal day (including a dose in
        the night); used for the look-back. Defaults to ``dosed_before_night``.
    max_window : nights after the last dose that count as "just after a skipped dose"

    Returns
    -------
    integer array: ``0`` dosed; ``1 .. max_window`` the k-th kratom-free night after the last
    dosing day; ``max_window + 1`` a night of a longer break; ``-1`` unknown (the night or
    its recent history was not logged)

    Examples
    --------
    >>> nan = float("nan")
    >>> night_status(np.array([1, 0, 0, 0, 0, 0, 1, 0, nan, 0, 1.0])).tolist()
    [0, 1, 2, 3, 4, 4, 0, 1, -1, -1, 0]
    """
    tonight = np.asarray(dosed_before_night, dtype=np.float64)
    earlier = tonight if dosed_day is None else np.asarray(dosed_day, dtype=np.float64)
    status = np.full(len(tonight), UNKNOWN, dtype=np.int64)
    for t, value in enumerate(tonight):
        if not np.isfinite(value):
            continue
        if value > 0:
            status[t] = DOSED
            continue
        status[t] = _free_night_status(earlier, t, max_window)
    return status


def _free_night_status(earlier: FloatArray, t: int, max_window: int) -> int:
    """Look back from a kratom-free night ``t`` for the last dosing day."""
    for k in range(1, max_window + 1):
        if t - k < 0:
            return UNKNOWN
        back = earlier[t - k]
        if not np.isfinite(back):
            return UNKNOWN
        if back > 0:
            return k
    return max_window + 1


def is_regular_user(dosed_day: FloatArray, share: float = 0.5) -> bool:
    """True when kratom was taken on at least ``share`` of the logged days.

    Unlogged days (NaN) are left out rather than counted as days without kratom.

    >>> is_regular_user(np.array([1, 1, float("nan"), float("nan"), 0]))
    True
    """
    values = np.asarray(dosed_day, dtype=np.float64)
    logged = values[np.isfinite(values)]
    return bool(logged.size and (logged > 0).mean() >= share)


def status_counts(status: IntArray, rows: NDArray[np.bool_]) -> dict[int, int]:
    """Nights per status among ``rows`` (unknown nights excluded)."""
    values, counts = np.unique(status[rows & (status >= 0)], return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}

"""Sleep Regularity Index (Phillips et al. 2017) from sleep diary nights."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.sleep.metrics import local_wall_time
from kratom_journal.sleep.summary import latest_per_night

MIN_NIGHTS = 14
"""Fewest diary nights for which the index is reported."""
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class RegularityResult:
    """The index, with how much data it rests on."""

    sri: float
    nights: int
    day_pairs: int
    epochs_compared: int


def sri_from_states(states: npt.ArrayLike) -> float:
    """Sleep Regularity Index from a days x epochs matrix of sleep (1) / wake (0) states.

    Parameters
    ----------
    states : array_like, shape (N, M)
        ``states[i, j]`` is 1 when asleep in epoch ``j`` of day ``i``; N >= 2
        consecutive days of M equally spaced epochs.

    Returns
    -------
    float
        SRI between -100 (opposite state every day) and 100 (same state at
        the same clock time on every pair of consecutive days).

    Notes
    -----
    SRI = -100 + 200 / (M (N - 1)) * sum_{j=1..M} sum_{i=1..N-1} delta(s[i, j], s[i+1, j]),
    where delta is 1 when the states are equal. A score of 0 is what
    random states give.

    References
    ----------
    Phillips AJK, Clerx WM, O'Brien CS, et al. Irregular sleep/wake patterns
    are associated with poorer academic performance and delayed circadian and
    sleep/wake timing. Sci Rep 2017;7:3216. doi:10.1038/s41598-017-03171-4

    Examples
    --------
    >>> sri_from_states([[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0]])
    100.0
    >>> sri_from_states([[0, 1], [1, 0]])
    -100.0
    """
    matrix = np.asarray(states, dtype=np.int8)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 1:
        raise ValueError("need a 2-D array of at least two days of sleep/wake epochs")
    if not np.isin(matrix, (0, 1)).all():
        raise ValueError("states must be 0 (wake) or 1 (sleep)")
    same = matrix[1:] == matrix[:-1]
    return float(-100.0 + 200.0 * same.mean())


def asleep_interval(entry: SleepDiaryEntry) -> tuple[datetime, datetime]:
    """The local clock interval a diary night is counted asleep.

    From sleep onset (tried to sleep + SOL) to the final awakening, on the
    local wall clock of the entry's zone.

    Notes
    -----
    A diary gives the total minutes awake during the night (WASO) but not
    when they happened, so they cannot be placed on the clock: the whole
    interval counts as sleep. Naps carry no clock time and are left out.
    Both assumptions make the index slightly more regular than an
    actigraphy-based one.
    """
    onset = local_wall_time(entry.tried_at, entry.zone) + timedelta(minutes=entry.sol_min)
    wake = local_wall_time(entry.final_wake_at, entry.zone)
    return onset, wake


def sleep_regularity_index(
    entries: Iterable[SleepDiaryEntry], min_nights: int = MIN_NIGHTS
) -> RegularityResult | None:
    """Sleep Regularity Index over diary nights, or ``None`` with too few nights.

    Parameters
    ----------
    entries : iterable of SleepDiaryEntry
        Diary nights; a night logged twice counts once (the later entry).
    min_nights : int, default 14
        Report nothing below this many nights.

    Returns
    -------
    RegularityResult or None
        ``None`` when fewer than ``min_nights`` nights exist or no two
        recorded nights are consecutive.

    Notes
    -----
    Each night owns the 24 hours from 12:00 on its evening to 12:00 the next
    day, in one-minute epochs of local clock time. The state at each minute
    is compared with the state 24 hours later wherever both nights were
    recorded; SRI = -100 + 200 x (share of equal states), which equals the
    formula of Phillips et al. (2017) when every night is present. Clock time
    is the wall clock, so on a daylight-saving night the index compares what
    the clock showed. See :func:`asleep_interval` for how a diary night is
    turned into sleep and wake.

    References
    ----------
    Phillips AJK, et al. Sci Rep 2017;7:3216. doi:10.1038/s41598-017-03171-4
    """
    by_night = latest_per_night(entries)
    if len(by_night) < min_nights:
        return None
    nights = sorted(by_night)
    first = nights[0]
    n_days = (nights[-1] - first).days + 1
    observed = np.zeros(n_days * MINUTES_PER_DAY, dtype=bool)
    asleep = np.zeros(n_days * MINUTES_PER_DAY, dtype=bool)
    origin = datetime.combine(first, time(12))  # naive: the local wall-clock grid
    for night, entry in by_night.items():
        start = (night - first).days * MINUTES_PER_DAY
        observed[start : start + MINUTES_PER_DAY] = True
        _mark(asleep, asleep_interval(entry), origin)
    return _compare_days(observed, asleep, len(nights))


def _mark(
    asleep: npt.NDArray[np.bool_], interval: tuple[datetime, datetime], origin: datetime
) -> None:
    onset, wake = (int(round((t - origin) / timedelta(minutes=1))) for t in interval)
    low, high = max(onset, 0), min(wake, asleep.size)
    if high > low:
        asleep[low:high] = True


def _compare_days(
    observed: npt.NDArray[np.bool_], asleep: npt.NDArray[np.bool_], nights: int
) -> RegularityResult | None:
    usable = observed[:-MINUTES_PER_DAY] & observed[MINUTES_PER_DAY:]
    count = int(usable.sum())
    if count == 0:
        return None
    same = asleep[:-MINUTES_PER_DAY][usable] == asleep[MINUTES_PER_DAY:][usable]
    sri = -100.0 + 200.0 * float(same.mean())
    return RegularityResult(
        sri=round(sri, 1),
        nights=nights,
        day_pairs=count // MINUTES_PER_DAY,
        epochs_compared=count,
    )

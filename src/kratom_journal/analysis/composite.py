"""One number per night for "how the night and the next day went", for the withdrawal question.

A rebound after a skipped dose tends to touch everything at once: falling asleep, staying
asleep, total sleep, the next day's mood and anxiety. Asking once, of their average, is both
more sensitive than asking five times and one question instead of five (one test in the
family, not five). Each family's primary outcome is put on the person's own scale (distance
from their median in units of their own standard deviation), signed so that higher is worse,
and averaged over the outcomes logged that night.

The meaningful change of this index is half a standard deviation (Norman et al. 2003), a
heuristic: no within-person threshold exists for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.thresholds import OutcomeThreshold

FloatArray = NDArray[np.float64]

INDEX_ID = "sleep_and_mood_index"
INDEX_THRESHOLD = OutcomeThreshold(
    label="sleep and mood overall",
    unit="SD",
    higher_is_better=False,
    kind="absolute",
    value=0.5,
    source=(
        "Norman GR, Sloan JA, Wyrwich KW. Med Care 2003;41(5):582-592 (half a standard "
        "deviation; a heuristic, no within-person threshold exists for this index). "
        "doi:10.1097/01.MLR.0000062554.74615.4C"
    ),
    as_of=date(2003, 5, 1),
    heuristic="half of your own night-to-night standard deviation",
)
"""The index is in units of the person's own SDs, higher is worse."""


def index_scales(table: DayTable, outcomes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """(median, standard deviation) of each outcome, the person's own yardstick."""
    scales = {}
    for name in outcomes:
        values = table.column(name)
        finite = values[np.isfinite(values)]
        if finite.size < 3:
            continue
        sd = float(np.std(finite, ddof=1))
        if sd > 0:
            scales[name] = (float(np.median(finite)), sd)
    return scales


def sleep_and_mood_index(
    table: DayTable, outcomes: Sequence[tuple[str, bool]]
) -> tuple[FloatArray, dict[str, tuple[float, float]]]:
    """The nightly index (NaN when no outcome was logged) and the scales it used.

    ``outcomes`` are ``(id, higher_is_better)`` pairs.

    >>> t = DayTable(np.arange(4), np.arange(4), {"a": np.array([1.0, 2, 3, 4]),
    ...     "b": np.array([4.0, 3, 2, np.nan])})
    >>> values, _ = sleep_and_mood_index(t, [("a", False), ("b", True)])
    >>> [round(float(v), 2) for v in values]
    [-1.08, -0.19, 0.69, 1.16]
    """
    scales = index_scales(table, [name for name, _ in outcomes])
    total = np.zeros(table.n_days)
    count = np.zeros(table.n_days)
    for name, higher_is_better in outcomes:
        if name not in scales:
            continue
        median, sd = scales[name]
        sign = -1.0 if higher_is_better else 1.0
        z = sign * (table.column(name) - median) / sd
        ok = np.isfinite(z)
        total[ok] += z[ok]
        count[ok] += 1
    with np.errstate(invalid="ignore"):
        index = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return index, scales

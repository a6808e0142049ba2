"""The per-day table the analyses work on: one row per journal day, one column per measure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.errors import AnalysisError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DayTable:
    """Days in order with named float columns; ``NaN`` marks a value that was not logged.

    ``day`` numbers days from the first one (consecutive integers, gaps allowed only if a
    whole day is absent from the table); ``weekday`` is Monday = 0 ... Sunday = 6 for the
    evening that begins each night. ``dates`` is optional and used only for display.
    """

    day: NDArray[np.int64]
    weekday: NDArray[np.int64]
    columns: Mapping[str, FloatArray]
    dates: tuple[date, ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.day)
        if len(self.weekday) != n:
            raise AnalysisError("weekday and day columns differ in length")
        for name, values in self.columns.items():
            if len(values) != n:
                raise AnalysisError(f"column {name!r} has {len(values)} values for {n} days")
        if n > 1 and np.any(np.diff(self.day) <= 0):
            raise AnalysisError("days must be in increasing order without repeats")

    @property
    def n_days(self) -> int:
        """Number of rows."""
        return len(self.day)

    def column(self, name: str) -> FloatArray:
        """Return a column, or an all-missing one when it was never logged."""
        values = self.columns.get(name)
        if values is None:
            return np.full(self.n_days, np.nan)
        return np.asarray(values, dtype=np.float64)

    def has(self, name: str) -> bool:
        """True when the column exists and holds at least one value."""
        values = self.columns.get(name)
        return values is not None and bool(np.any(np.isfinite(values)))

    def summary(self) -> str:
        """One line: days and columns."""
        return f"{self.n_days} days; columns: {', '.join(sorted(self.columns))}"

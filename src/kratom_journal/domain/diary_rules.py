"""The Consensus Sleep Diary's rules: each item's range, and the order of the night's times.

One set of rules for every way a diary is given: all at once (a form, a CSV row,
the JSON API) or one answer at a time (``kj log sleep`` asks each item and
refuses the answer that breaks a rule as soon as it is given).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from kratom_journal.domain.errors import InvalidEntry


def require_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEntry(f"must be a whole number, got {value!r}", name)


def require_range(value: float | None, low: float, high: float, name: str) -> None:
    if value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidEntry("must be a finite number", name)
    if not low <= value <= high:
        raise InvalidEntry(f"must be between {low:g} and {high:g}, got {value:g}", name)


DIARY_LIMITS: dict[str, tuple[int, int]] = {
    "sol_min": (0, 24 * 60),
    "waso_min": (0, 24 * 60),
    "awakenings": (0, 100),
    "quality": (1, 5),
    "nap_count": (0, 24 * 60),
    "nap_min": (0, 24 * 60),
}
"""The range of each whole-number diary item."""

OPTIONAL_DIARY_ITEMS = frozenset({"nap_count", "nap_min"})

DIARY_ORDER_ITEMS = (
    "bed_at",
    "tried_at",
    "sol_min",
    "awakenings",
    "waso_min",
    "final_wake_at",
    "out_of_bed_at",
)
"""The diary items the order rules compare, in the order the diary asks them."""


def check_diary_item(name: str, value: object) -> None:
    """Check one whole-number diary item on its own (:class:`InvalidEntry` naming it).

    >>> check_diary_item("quality", 6)
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: quality: must be between 1 and 5, got 6
    """
    low, high = DIARY_LIMITS[name]
    require_int(value, name)
    require_range(value, low, high, name)  # type: ignore[arg-type]


def diary_order_problem(values: dict[str, object]) -> InvalidEntry | None:
    """The first contradiction among the diary answers given so far, or ``None``.

    Each rule is checked once every item it compares has an answer, so a diary
    asked one item at a time can refuse the answer that breaks a rule as soon as it
    is given. Clock times are aware instants, compared as real time.

    >>> from datetime import timezone
    >>> bed = datetime(2024, 5, 1, 23, 0, tzinfo=timezone.utc)
    >>> diary_order_problem({"bed_at": bed, "tried_at": bed - timedelta(minutes=5)})
    InvalidEntry('time tried to sleep is before time into bed')
    >>> diary_order_problem({"bed_at": bed}) is None
    True
    """
    bed: datetime | None = values.get("bed_at")  # type: ignore[assignment]
    tried: datetime | None = values.get("tried_at")  # type: ignore[assignment]
    final: datetime | None = values.get("final_wake_at")  # type: ignore[assignment]
    out: datetime | None = values.get("out_of_bed_at")  # type: ignore[assignment]
    sol: int | None = values.get("sol_min")  # type: ignore[assignment]
    waso: int | None = values.get("waso_min")  # type: ignore[assignment]
    awakenings: int | None = values.get("awakenings")  # type: ignore[assignment]
    if bed is not None and tried is not None and tried < bed:
        return InvalidEntry("time tried to sleep is before time into bed", "tried_at")
    if tried is not None and final is not None:
        if final <= tried:
            return InvalidEntry("final awakening is not after time tried to sleep", "final_wake_at")
        window = (final - tried) / timedelta(minutes=1)
        if sol is not None and sol > window:
            return InvalidEntry(
                f"minutes to fall asleep ({sol}) is longer than the night "
                f"({window:.0f} min between trying to sleep and final awakening)",
                "sol_min",
            )
        if sol is not None and waso is not None and sol + waso > window:
            return InvalidEntry(
                f"minutes to fall asleep plus minutes awake ({sol + waso}) "
                f"exceed the night ({window:.0f} min)",
                "waso_min",
            )
    if final is not None and out is not None and out < final:
        return InvalidEntry("time out of bed is before the final awakening", "out_of_bed_at")
    if bed is not None and out is not None and out - bed > timedelta(hours=24):
        return InvalidEntry("the night is longer than 24 hours", "out_of_bed_at")
    if awakenings == 0 and waso is not None and waso > 0:
        return InvalidEntry("minutes awake during the night given with no awakenings", "awakenings")
    return None

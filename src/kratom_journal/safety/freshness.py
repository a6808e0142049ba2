"""How old a shipped fact is, and the warning shown when it is old.

Every legal or safety fact carries the date it was last known to be true. Law
about kratom changed month by month in 2025-2026, so a fact older than six
months is shown with a warning that it may have changed.
"""

from __future__ import annotations

from datetime import date

STALE_AFTER_MONTHS = 6
"""A fact whose as-of date is more than this many months before today is stale."""

LAW_WARNING = "may have changed — check current law"
"""The warning on a stale legal fact (the words the person reads, everywhere)."""

SOURCE_WARNING = "may have changed — check the source before relying on it"
"""The warning on a stale safety fact that is not law (interactions, helplines)."""


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (negative if later is earlier).

    >>> months_between(date(2025, 11, 26), date(2026, 5, 26))
    6
    >>> months_between(date(2025, 11, 27), date(2026, 5, 26))
    5
    """
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the month's end.

    >>> add_months(date(2026, 1, 31), 6), add_months(date(2025, 8, 31), 6)
    (datetime.date(2026, 7, 31), datetime.date(2026, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def is_stale(as_of: date, today: date) -> bool:
    """True when ``today`` is later than six calendar months after ``as_of``.

    Exactly six months old is still fresh; one day more is stale.

    >>> is_stale(date(2026, 6, 2), date(2026, 12, 2))
    False
    >>> is_stale(date(2026, 6, 1), date(2026, 12, 2)), is_stale(date(2026, 5, 6), date(2026, 12, 2))
    (True, True)
    """
    return today > add_months(as_of, STALE_AFTER_MONTHS)


def age_text(as_of: date, today: date) -> str:
    """How old a fact is, in words: ``"14 months old"``, ``"less than a month old"``.

    >>> age_text(date(2025, 10, 1), date(2026, 12, 2))
    '14 months old'
    >>> age_text(date(2026, 11, 20), date(2026, 12, 2))
    'less than a month old'
    """
    months = months_between(as_of, today)
    if months < 1:
        return "less than a month old"
    return "1 month old" if months == 1 else f"{months} months old"


def stale_line(as_of: date, today: date, warning: str = LAW_WARNING) -> str | None:
    """The prominent warning for a stale fact, or ``None`` when the fact is fresh.

    >>> print(stale_line(date(2025, 10, 1), date(2026, 12, 2)))
    Possibly outdated: this may have changed — check current law (as of 2025-10-01, 14 months old).
    >>> stale_line(date(2026, 11, 1), date(2026, 12, 2)) is None
    True
    """
    if not is_stale(as_of, today):
        return None
    age = age_text(as_of, today)
    return f"Possibly outdated: this {warning} (as of {as_of.isoformat()}, {age})."

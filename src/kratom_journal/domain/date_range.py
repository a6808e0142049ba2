"""The dates an entry may carry: from 1970 (or the person's birth date) to a day from now.

A time stamp in 2099, 1900 or 9999 is a typo, never a real entry, and one such
value is enough to break every summary built over "all days from the first to the
last entry". Every path that writes an entry (the forms, the JSON API, the
command line, CSV and JSON imports) checks the entry against one
:class:`DateRange` and refuses what lies outside it with a message naming the
field. The store repeats the check as its last line of defence, so nothing it
holds can lie outside the range it was written with.

Examples
--------
>>> from datetime import UTC
>>> now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
>>> allowed = DateRange.around(now)
>>> allowed.check_instant(datetime(2026, 12, 2, 21, 0, tzinfo=UTC), "taken_at")
>>> allowed.check_instant(datetime(2099, 5, 1, tzinfo=UTC), "taken_at")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kratom_journal.domain.errors.InvalidEntry: taken_at: 2099-05-01 is more than a day from now; ...
>>> allowed.check_day(date(1900, 1, 1), "night")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kratom_journal.domain.errors.InvalidEntry: night: 1900-01-01 is before 1970-01-01, the earliest ...
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kratom_journal.domain.entries import Entry, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry

EARLIEST_DAY = date(1970, 1, 1)
"""No entry is dated before this day (nor before the person's birth date, when known)."""

FUTURE_LIMIT = timedelta(days=1)
"""No entry is more than this far ahead of now (a clock a little off, a planned dose)."""

# One day of margin on either side covers every UTC offset (-12:00 to +14:00).
_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DateRange:
    """The earliest day and the latest instant an entry may have, as of ``now``."""

    earliest: date
    now: datetime
    born: bool = False
    """True when ``earliest`` is the person's birth date (the message says so)."""

    @classmethod
    def around(cls, now: datetime, birth_date: date | None = None) -> DateRange:
        """The range as of ``now``: from 1970, or from ``birth_date`` when that is later."""
        if birth_date is not None and birth_date > EARLIEST_DAY:
            return cls(birth_date, now, born=True)
        return cls(EARLIEST_DAY, now)

    @property
    def latest(self) -> datetime:
        return self.now + FUTURE_LIMIT

    def _too_early(self, day: date) -> str:
        if self.born:
            return f"{day.isoformat()} is before your birth date ({self.earliest.isoformat()})"
        return (
            f"{day.isoformat()} is before {self.earliest.isoformat()}, "
            "the earliest date the journal takes"
        )

    def check_instant(self, value: datetime, field: str) -> None:
        """Raise :class:`InvalidEntry` naming ``field`` when ``value`` is out of range."""
        local_day = value.date()
        if local_day < self.earliest:
            raise InvalidEntry(self._too_early(local_day), field)
        if value > self.latest:
            limit = self.latest.astimezone(UTC).date()
            raise InvalidEntry(
                f"{local_day.isoformat()} is more than a day from now; "
                f"expected a time no later than {limit.isoformat()}",
                field,
            )

    def check_day(self, day: date, field: str) -> None:
        """Raise :class:`InvalidEntry` naming ``field`` when the date ``day`` is out of range."""
        if day < self.earliest:
            raise InvalidEntry(self._too_early(day), field)
        latest_day = self.latest.astimezone(UTC).date() + _MARGIN
        if day > latest_day:
            raise InvalidEntry(
                f"{day.isoformat()} is more than a day from now; "
                f"expected a date no later than {latest_day.isoformat()}",
                field,
            )

    def check_entry(self, entry: Entry) -> None:
        """Check every instant and date of an entry (its first bad field is named)."""
        if isinstance(entry, SleepDiaryEntry):
            self.check_day(entry.night, "night")
        for item in dataclasses.fields(entry):
            value = getattr(entry, item.name)
            if isinstance(value, datetime):
                self.check_instant(value, item.name)


def day_in_range(day: date, now: datetime) -> bool:
    """True when a date typed for a page or a filter can be shown (1970 to a day from now).

    >>> day_in_range(date(9999, 12, 31), datetime(2026, 12, 2, tzinfo=UTC))
    False
    """
    try:
        DateRange.around(now).check_day(day, "date")
    except InvalidEntry:
        return False
    return True

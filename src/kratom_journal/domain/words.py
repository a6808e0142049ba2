"""Small pieces of the words a person reads: counts with the right plural, zones by place name.

>>> plural(1, "night"), plural(3, "night"), plural(2, "entry", "entries")
('1 night', '3 nights', '2 entries')
>>> zone_place("America/New_York"), zone_place("UTC")
('New York', 'UTC')
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kratom_journal.domain.entries import Unit

DAY_FORMAT = "%a %d %b %Y"
"""How a date is written for a person, everywhere (``Wed 02 Dec 2026``)."""


def day_text(day: date | datetime) -> str:
    """A date as a person reads it.

    >>> day_text(date(2026, 12, 2))
    'Wed 02 Dec 2026'
    """
    return day.strftime(DAY_FORMAT)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` with ``noun``, in the plural unless it is exactly one."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def duration_text(span: timedelta) -> str:
    """A duration as a person says it, to the minute.

    >>> duration_text(timedelta(minutes=14)), duration_text(timedelta(hours=3, minutes=1))
    ('14 minutes', '3 hours 1 minute')
    >>> duration_text(timedelta(seconds=20))
    'less than a minute'
    """
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    hours, rest = divmod(minutes, 60)
    parts = [plural(hours, "hour")] if hours else []
    if rest:
        parts.append(plural(rest, "minute"))
    return " ".join(parts)


def zone_place(name: str | None) -> str:
    """The place an IANA zone name is named after (``Europe/Berlin`` -> ``Berlin``).

    >>> zone_place("America/Argentina/Buenos_Aires"), zone_place("Etc/GMT+5")
    ('Buenos Aires', 'GMT+5')
    """
    if not name:
        return "UTC"
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_time_label(name: str | None) -> str:
    """How a clock time names its zone: ``New York time``, ``UTC``.

    >>> zone_time_label("America/New_York"), zone_time_label("UTC")
    ('New York time', 'UTC')
    """
    place = zone_place(name)
    return place if place.upper() in {"UTC", "GMT"} or place.startswith("GMT") else f"{place} time"


UNIT_WORDS = {
    Unit.G: ("g", "g"),
    Unit.MG: ("mg", "mg"),
    Unit.CAPSULE: ("capsule", "capsules"),
    Unit.ML: ("ml", "ml"),
    Unit.STANDARD_DRINK: ("standard drink", "standard drinks"),
    Unit.CUP: ("cup", "cups"),
}
"""Units as a person writes them after a number."""


def amount_text(amount: float, unit: Unit) -> str:
    """``3.5 g``, ``1 capsule``, ``2 standard drinks``.

    >>> amount_text(2, Unit.STANDARD_DRINK), amount_text(1, Unit.CAPSULE)
    ('2 standard drinks', '1 capsule')
    """
    one, many = UNIT_WORDS[unit]
    return f"{amount:g} {one if amount == 1 else many}"


def substance_text(substance: str) -> str:
    """A substance as a person names it: ``medication:sertraline`` is ``sertraline``.

    >>> substance_text("medication:sertraline"), substance_text("other:kava")
    ('sertraline', 'kava')
    """
    return substance.split(":", 1)[1] if ":" in substance else substance

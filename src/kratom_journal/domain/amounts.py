"""Reading amounts such as ``3.5g`` or ``2 capsules``, and flagging implausible ones."""

from __future__ import annotations

import re

from kratom_journal.domain.entries import Dose, Unit
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.words import amount_text, substance_text

_UNIT_WORDS: dict[str, Unit] = {
    "g": Unit.G,
    "gram": Unit.G,
    "grams": Unit.G,
    "mg": Unit.MG,
    "milligram": Unit.MG,
    "milligrams": Unit.MG,
    "capsule": Unit.CAPSULE,
    "capsules": Unit.CAPSULE,
    "caps": Unit.CAPSULE,
    "cap": Unit.CAPSULE,
    "ml": Unit.ML,
    "drink": Unit.STANDARD_DRINK,
    "drinks": Unit.STANDARD_DRINK,
    "standard_drink": Unit.STANDARD_DRINK,
    "standard_drinks": Unit.STANDARD_DRINK,
    "cup": Unit.CUP,
    "cups": Unit.CUP,
}

_AMOUNT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*([A-Za-z_ ]*?)\s*$", re.ASCII)


def parse_unit(text: str) -> Unit:
    """Return the unit a word names, or raise :class:`InvalidEntry`.

    >>> parse_unit("Capsules")
    <Unit.CAPSULE: 'capsule'>
    """
    key = "_".join(text.casefold().split())
    if key in _UNIT_WORDS:
        return _UNIT_WORDS[key]
    expected = "g, mg, capsules, ml, drinks (standard drinks), cups"
    raise InvalidEntry(f"unknown unit {text!r}; expected one of {expected}", "unit")


def parse_amount(text: str, default_unit: Unit | None = None) -> tuple[float, Unit]:
    """Split ``"3.5g"``, ``"200 mg"`` or ``"2 capsules"`` into amount and unit.

    A decimal comma is accepted. Zero, negative and non-numeric amounts are refused.

    >>> parse_amount("3.5g")
    (3.5, <Unit.G: 'g'>)
    >>> parse_amount("2,5 g")
    (2.5, <Unit.G: 'g'>)
    """
    match = _AMOUNT.match(text)
    if not match:
        raise InvalidEntry(
            f"cannot read amount {text!r}; expected a number and a unit like 3.5g", "amount"
        )
    number, word = match.groups()
    amount = float(number.replace(",", "."))
    if amount <= 0:
        raise InvalidEntry(f"must be a positive number, got {number}", "amount")
    if word:
        return amount, parse_unit(word)
    if default_unit is None:
        raise InvalidEntry(f"amount {text!r} has no unit; expected e.g. 3.5g or 200mg", "unit")
    return amount, default_unit


# Upper bounds of what a single dose usually is; above them the person is asked to
# confirm, since a typo (35 g for 3.5 g) is far likelier than a real value.
_PLAUSIBLE_MAX: dict[tuple[str, Unit], float] = {
    ("kratom", Unit.G): 15.0,
    ("kratom", Unit.MG): 15000.0,
    ("kratom", Unit.CAPSULE): 30.0,
    ("kratom", Unit.ML): 250.0,
    ("kratom", Unit.CUP): 4.0,
    ("caffeine", Unit.MG): 600.0,
    ("caffeine", Unit.CUP): 8.0,
    ("caffeine", Unit.ML): 2000.0,
    ("alcohol", Unit.STANDARD_DRINK): 10.0,
    ("alcohol", Unit.ML): 1500.0,
    ("melatonin", Unit.MG): 20.0,
    ("cannabis", Unit.G): 3.0,
    ("cannabis", Unit.MG): 100.0,
}
_ANY_UNIT_MAX: dict[Unit, float] = {
    Unit.G: 50.0,
    Unit.MG: 5000.0,
    Unit.CAPSULE: 30.0,
    Unit.ML: 2000.0,
    Unit.STANDARD_DRINK: 10.0,
    Unit.CUP: 10.0,
}


def implausibility(dose: Dose) -> str | None:
    """Return why a dose looks implausible (likely a typo), or ``None``.

    >>> from datetime import UTC, datetime
    >>> implausibility(Dose(datetime(2024, 5, 1, tzinfo=UTC), 35, Unit.G))
    '35 g of kratom is unusually large for one entry (more than 15); please check for a typo'
    """
    limit = _PLAUSIBLE_MAX.get((dose.substance, dose.unit), _ANY_UNIT_MAX[dose.unit])
    if dose.amount > limit:
        return (
            f"{amount_text(dose.amount, dose.unit)} of {substance_text(dose.substance)} is "
            f"unusually large for one entry (more than {limit:g}); please check for a typo"
        )
    if dose.grams_per_capsule is not None and dose.grams_per_capsule > 2.0:
        return f"{dose.grams_per_capsule:g} g per capsule is unusually large; please check"
    return None

"""Numbers read strictly from text: what a person would write, nothing Python also accepts.

Python's ``int`` and ``float`` read ``1_0`` as 10, ``١٢`` (Arabic-Indic digits) as
12, and ``nan``, ``inf`` or ``1e400`` as numbers; in a journal file each of those
is far likelier a mistake or a hostile value than a dose. Only ASCII digits with
an optional sign, one decimal point or comma and (for decimals) an exponent are
read, and the result must be finite.
"""

from __future__ import annotations

import math
import re

from kratom_journal.domain.errors import InvalidEntry

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII
)


def whole_number(text: str, field: str) -> int:
    """A whole number such as ``12`` or ``-3``.

    >>> whole_number(" 12 ", "sol_min")
    12
    >>> whole_number("1_0", "sol_min")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: sol_min: expected a whole number, got '1_0'
    """
    cleaned = text.strip()
    if not _WHOLE.fullmatch(cleaned):
        raise InvalidEntry(f"expected a whole number, got {text!r}", field)
    return int(cleaned)


def decimal_number(text: str, field: str) -> float:
    """A finite decimal such as ``3.5`` or ``2,5`` (a decimal comma is fine).

    >>> decimal_number("2,5", "amount")
    2.5
    >>> decimal_number("inf", "amount")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: amount: expected a number, got 'inf'
    """
    cleaned = text.strip()
    if not _DECIMAL.fullmatch(cleaned):
        raise InvalidEntry(f"expected a number, got {text!r}", field)
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value):
        raise InvalidEntry(f"expected a number of sensible size, got {text!r}", field)
    return value

"""CSV cells that a spreadsheet would run as formulas are written as text (OWASP CSV injection).

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one) as a formula; a strain or note written as
``=HYPERLINK(...)`` would then run when the export is opened. Following the
OWASP rule (https://owasp.org/www-community/attacks/CSV_Injection) such a cell
is written with a single quote in front, which spreadsheets show as text. A cell
that starts with a quote itself gets one more, so that reading the file back
removes exactly one quote from any cell starting with one: export then import
is lossless.
"""

from __future__ import annotations

import re

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
"""A negative number stays a number (spreadsheets and data tools read it as one)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralize_cell(value: object) -> object:
    """The cell as written to a CSV file (text cells that could run get a leading quote).

    >>> neutralize_cell("=1+2"), neutralize_cell("'quoted"), neutralize_cell("Red Bali")
    ("'=1+2", "''quoted", 'Red Bali')
    >>> neutralize_cell(3.5), neutralize_cell("-2.5"), neutralize_cell("-1+cmd")
    (3.5, '-2.5', "'-1+cmd")
    """
    if (
        isinstance(value, str)
        and value.startswith((*FORMULA_STARTS, QUOTE))
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return QUOTE + value
    return value


def restore_cell(text: str) -> str:
    """The value of a cell read from a CSV file that :func:`neutralize_cell` wrote.

    >>> restore_cell("'=1+2"), restore_cell("''quoted"), restore_cell("plain")
    ('=1+2', "'quoted", 'plain')
    """
    return text[1:] if text.startswith(QUOTE) else text

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

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralize_cell(value: object) -> object:
    """The cell as written to a CSV file (text cells that could run get a leading quote).

    >>> neutralize_cell("=1+2"), neutralize_cell("'quoted"), neutralize_cell("Red Bali")
    ("'=1+2", "''quoted", 'Red Bali')

    Numbers are written as numbers; a *text* cell such as ``+1`` is quoted too, or a
    spreadsheet would turn the note "+1" into the number 1 (and ``-1+1`` into 0).

    >>> neutralize_cell(3.5), neutralize_cell(-2), neutralize_cell("+1"), neutralize_cell("-1+1")
    (3.5, -2, "'+1", "'-1+1")
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def restore_cell(text: str) -> str:
    """The value of a cell read from a CSV file that :func:`neutralize_cell` wrote.

    >>> restore_cell("'=1+2"), restore_cell("''quoted"), restore_cell("plain")
    ('=1+2', "'quoted", 'plain')
    """
    return text[1:] if text.startswith(QUOTE) else text

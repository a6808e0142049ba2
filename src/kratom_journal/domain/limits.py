"""How long a typed text may be: one table, the same on SQLite and PostgreSQL.

SQLite stores any length in a ``VARCHAR(n)`` column; PostgreSQL refuses more than
``n`` characters with a database error. Entries check these limits themselves
(naming the field), so every face and both databases accept and refuse the same
values; a test keeps the table equal to the columns' lengths.
"""

from __future__ import annotations

from kratom_journal.domain.errors import InvalidEntry

TEXT_LIMITS: dict[str, int] = {
    "substance": 128,
    "strain": 200,
    "product": 200,
    "zone": 64,
    "source": 64,
}
"""Characters each limited text field may hold (the columns' own lengths)."""

NOTE_LIMIT = 20_000
"""Characters a note may hold: pages of text, never a file pasted by mistake or on purpose.

The column is unlimited text; without this a 100 MB note was stored, grew the
journal by as much and came back whole in every API answer.
"""


def check_length(value: object, field: str) -> None:
    """Refuse a text longer than its field's limit, naming the field.

    >>> check_length("Red Bali", "strain")
    >>> check_length("x" * 201, "strain")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: strain: is too long (201 characters; at most 200)
    """
    limit = NOTE_LIMIT if field == "note" else TEXT_LIMITS.get(field)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise InvalidEntry(f"is too long ({len(value)} characters; at most {limit})", field)


def check_lengths(entry: object) -> None:
    """Check every limited text field ``entry`` has."""
    for field in (*TEXT_LIMITS, "note"):
        check_length(getattr(entry, field, None), field)

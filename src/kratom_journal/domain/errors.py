"""The errors a person can cause, and the one base class the faces catch.

Everything a person can get wrong (a bad value, an unknown id, a file that is not
an export, a journal that cannot be opened) raises a :class:`JournalError`. The
CLI and the web app turn a ``JournalError`` into one plain line; any other
exception is a bug in Kratom Journal and is reported as one, never shown as if
the person had made a mistake.

The subclasses also derive from the built-in exception their meaning matches
(``ValueError``, ``LookupError``) so that code using the standard library's
idioms keeps working.
"""

from __future__ import annotations


class JournalError(Exception):
    """A problem the person can fix; ``str(error)`` is the one line to show them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidEntry(JournalError, ValueError):
    """An entry breaks a rule; ``field`` names the offending field when one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ImplausibleEntry(InvalidEntry):
    """A value is possible but unusual enough that a person should confirm it."""


class NotFound(JournalError, LookupError):
    """Nothing in the journal has the id or name asked for."""


class InvalidInput(JournalError, ValueError):
    """An argument, setting or request value cannot be used (not an entry field)."""


class JournalUnavailable(JournalError):
    """The journal database cannot be opened or written; the message says why."""

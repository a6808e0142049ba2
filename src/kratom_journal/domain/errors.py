"""Errors raised by the domain rules."""

from __future__ import annotations


class InvalidEntry(ValueError):
    """An entry breaks a rule; ``field`` names the offending field when one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ImplausibleEntry(InvalidEntry):
    """A value is possible but unusual enough that a person should confirm it."""

"""Errors raised by the analysis layer."""

from __future__ import annotations

from kratom_journal.domain.errors import InvalidInput


class AnalysisError(InvalidInput):
    """The data cannot support the requested analysis; the message says why in plain words."""

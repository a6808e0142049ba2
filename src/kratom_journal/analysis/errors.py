"""Errors raised by the analysis layer."""

from __future__ import annotations


class AnalysisError(ValueError):
    """The data cannot support the requested analysis; the message says why in plain words."""

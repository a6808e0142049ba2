"""Named choices of self-experiments, kept free of heavy imports for the command line."""

from __future__ import annotations

from enum import StrEnum


class Design(StrEnum):
    """Period length: one day, or blocks of several days."""

    DAY = "day"
    BLOCK = "block"


class Comparison(StrEnum):
    """What the two conditions are."""

    KRATOM_VS_NONE = "kratom_vs_none"
    STRAIN = "strain_a_vs_b"
    TIMING = "timing"
    OTHER = "other"

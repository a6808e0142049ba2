"""Meaningful-change thresholds per outcome, read from the shipped data file."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from kratom_journal.data import data_path


class OutcomeThreshold(BaseModel):
    """One outcome: its label, direction and the smallest meaningful change, with a source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    higher_is_better: bool
    kind: Literal["absolute", "person_sd"]
    value: float = Field(gt=0)
    source: str = Field(min_length=10)
    as_of: date
    heuristic: str | None = None
    """Why the threshold is a heuristic, when it is not a validated within-person change."""

    def in_units(self, values: NDArray[np.float64]) -> float:
        """Threshold in outcome units (``person_sd`` thresholds scale with the person's SD)."""
        if self.kind == "absolute":
            return self.value
        finite = values[np.isfinite(values)]
        sd = float(np.std(finite, ddof=1)) if finite.size > 1 else 0.0
        return self.value * sd if sd > 0 else self.value


class ThresholdFile(BaseModel):
    """Schema of ``data/meaningful_change.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    outcomes: dict[str, OutcomeThreshold]


@cache
def load_thresholds() -> ThresholdFile:
    """Read and validate the shipped thresholds."""
    text = data_path("meaningful_change.json").read_text(encoding="utf-8")
    return ThresholdFile.model_validate(json.loads(text))


def threshold_for(outcome: str) -> OutcomeThreshold | None:
    """Threshold of an outcome id, or ``None`` for outcomes without one."""
    return load_thresholds().outcomes.get(outcome)

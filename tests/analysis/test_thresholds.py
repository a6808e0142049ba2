"""The shipped meaningful-change thresholds validate against their schema."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources

import numpy as np

from kratom_journal.analysis.thresholds import ThresholdFile, load_thresholds, threshold_for


def test_file_validates_and_every_entry_has_a_source_and_date() -> None:
    raw = json.loads(
        (resources.files("kratom_journal") / "data" / "meaningful_change.json").read_text()
    )
    parsed = ThresholdFile.model_validate(raw)
    assert parsed.outcomes
    for entry in parsed.outcomes.values():
        assert "doi:" in entry.source or "http" in entry.source
        assert entry.as_of <= datetime.now().astimezone().date()


def test_diary_outcomes_are_present_with_their_direction() -> None:
    outcomes = load_thresholds().outcomes
    for name in ("sol_min", "waso_min", "tst_min", "se_pct", "quality", "mood_next_day"):
        assert name in outcomes
    assert outcomes["sol_min"].higher_is_better is False
    assert outcomes["tst_min"].higher_is_better is True


def test_person_sd_threshold_scales_with_the_persons_spread() -> None:
    meta = threshold_for("mood_next_day")
    assert meta is not None
    values = np.array([4.0, 6.0, 4.0, 6.0, np.nan])  # SD (ddof=1) = 1.1547
    assert meta.in_units(values) == 0.5 * np.std([4.0, 6.0, 4.0, 6.0], ddof=1)
    sol = threshold_for("sol_min")
    assert sol is not None and sol.in_units(values) == 10

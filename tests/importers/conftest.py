"""Small, seeded wearable fixtures written on the fly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kratom_journal.demo import synthetic


@pytest.fixture
def three_nights() -> list[synthetic.SyntheticNight]:
    return synthetic.generate_nights(11, synthetic.NightPlan(date(2024, 3, 8), 3))


@pytest.fixture
def apple_zip(tmp_path: Path, three_nights: list[synthetic.SyntheticNight]) -> Path:
    return synthetic.write_apple_health(tmp_path / "export.zip", three_nights)

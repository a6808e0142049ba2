"""Known-answer tests for the Sleep Regularity Index (Phillips et al. 2017).

What is tested: the formula on small matrices (100, -100, 0), a perfectly
regular diary (100), an alternating schedule worked by hand (33.3), the
14-night minimum, skipped pairs around a missed night, and agreement of the
diary path with the matrix formula on random schedules.
What is NOT tested: agreement with actigraphy-based SRI (a diary cannot
place awakenings; see the module notes).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from kratom_journal.sleep.regularity import sleep_regularity_index, sri_from_states

from .builders import diary

START = date(2024, 1, 1)


def _night(i: int, tried: str, final: str):
    return diary(
        START + timedelta(days=i),
        bed=tried,
        tried=tried,
        sol=0,
        waso=0,
        awakenings=0,
        final_wake=final,
        out=final,
    )


def test_formula_extremes() -> None:
    assert sri_from_states([[1, 0, 0, 1]] * 5) == 100.0
    assert sri_from_states([[1, 0], [0, 1], [1, 0]]) == -100.0
    assert sri_from_states([[1, 1], [1, 0]]) == 0.0


def test_formula_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="two days"):
        sri_from_states([[1, 0]])
    with pytest.raises(ValueError, match="0 \\(wake\\) or 1"):
        sri_from_states([[1, 2], [1, 0]])


def test_regular_diary_scores_100() -> None:
    nights = [_night(i, "22:00", "06:00") for i in range(14)]
    result = sleep_regularity_index(nights)
    assert result is not None
    assert (result.sri, result.nights, result.day_pairs) == (100.0, 14, 13)


def test_alternating_schedule_worked_by_hand() -> None:
    # 22:00-06:00 then 02:00-10:00: same state 02-06 (240 min, asleep) and
    # 10-22 (720 min, awake) = 960 of 1440 minutes -> -100 + 200 * 2/3 = 33.3.
    nights = [
        _night(i, "22:00", "06:00") if i % 2 == 0 else _night(i, "02:00", "10:00")
        for i in range(14)
    ]
    result = sleep_regularity_index(nights)
    assert result is not None and result.sri == 33.3


def test_sleep_onset_uses_latency() -> None:
    # Tried at 22:00 with SOL 60 is asleep from 23:00, the same as tried at 23:00 with SOL 0.
    late = [
        diary(
            START + timedelta(days=i),
            bed="22:00",
            tried="22:00",
            sol=60,
            waso=0,
            awakenings=0,
            final_wake="06:00",
            out="06:00",
        )
        for i in range(0, 14, 2)
    ]
    on_time = [_night(i, "23:00", "06:00") for i in range(1, 14, 2)]
    result = sleep_regularity_index(late + on_time)
    assert result is not None and result.sri == 100.0


def test_needs_14_nights() -> None:
    assert sleep_regularity_index([_night(i, "22:00", "06:00") for i in range(13)]) is None


def test_missed_night_drops_its_pairs() -> None:
    nights = [_night(i, "22:00", "06:00") for i in range(15) if i != 7]
    result = sleep_regularity_index(nights)
    assert result is not None and result.day_pairs == 12 and result.nights == 14


def test_diary_path_matches_matrix_formula_on_random_schedules() -> None:
    rng = random.Random(7)
    nights, rows = [], []
    for i in range(20):
        onset = rng.randrange(20 * 60, 26 * 60, 5)  # 20:00 to 02:00, minutes after midnight
        length = rng.randrange(5 * 60, 9 * 60, 5)
        wake = onset + length
        nights.append(_night(i, _hhmm(onset), _hhmm(wake)))
        row = np.zeros(1440, dtype=int)
        row[onset - 720 : wake - 720] = 1  # minutes after noon
        rows.append(row)
    result = sleep_regularity_index(nights)
    assert result is not None
    assert result.sri == round(sri_from_states(np.vstack(rows)), 1)


def _hhmm(minutes_after_midnight: int) -> str:
    minutes = minutes_after_midnight % 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

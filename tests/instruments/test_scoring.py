"""Known-answer tests for scoring, bands, missing items and change.

What is tested: totals and bands at every cut point of PHQ-9, GAD-7 and the
kratom self-check, SOWS totals, PHQ-2/GAD-2, the no-score rule for missing
items, proration for a user instrument whose manual allows it, MCID,
response and remission.
What is NOT tested: the clinical validity of the cut points (taken from the
cited papers).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kratom_journal.instruments import (
    InvalidAnswers,
    compare,
    parse_answer_list,
    parse_instrument,
    score,
    shipped_instrument,
)


def _answers(text: str, instrument_id: str):
    instrument = shipped_instrument(instrument_id)
    return score(instrument, parse_answer_list(instrument, text))


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ("0,0,0,0,0,0,0,0,0", 0, "minimal"),
        ("1,1,1,1,0,0,0,0,0", 4, "minimal"),
        ("1,1,1,1,1,0,0,0,0", 5, "mild"),
        ("1,1,1,1,1,1,1,1,1", 9, "mild"),
        ("2,1,1,1,1,1,1,1,1", 10, "moderate"),
        ("2,2,2,2,2,1,1,1,1", 14, "moderate"),
        ("2,2,2,2,2,2,1,1,1", 15, "moderately severe"),
        ("3,3,3,2,2,2,2,2,0", 19, "moderately severe"),
        ("3,3,3,3,2,2,2,2,0", 20, "severe"),
        ("3,3,3,3,3,3,3,3,3", 27, "severe"),
    ],
)
def test_phq9_totals_and_bands(answers: str, total: int, band: str) -> None:
    result = _answers(answers, "phq9")
    assert (result.total, result.band) == (total, band)
    assert result.max_total == 27


def test_phq2_is_scored_from_items_1_and_2() -> None:
    result = _answers("2,1,0,0,0,0,0,0,0", "phq9")
    phq2 = result.subscales[0]
    assert (phq2.id, phq2.total, phq2.band) == ("phq2", 3, "positive screen")
    assert _answers("1,1,0,0,0,0,0,0,0", "phq9").subscales[0].band == "negative screen"


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ("0,0,0,0,0,0,0", 0, "minimal"),
        ("1,1,1,1,0,0,0", 4, "minimal"),
        ("1,1,1,1,1,0,0", 5, "mild"),
        ("2,2,2,1,1,1,0", 9, "mild"),
        ("2,2,2,1,1,1,1", 10, "moderate"),
        ("2,2,2,2,2,2,2", 14, "moderate"),
        ("3,2,2,2,2,2,2", 15, "severe"),
        ("3,3,3,3,3,3,3", 21, "severe"),
    ],
)
def test_gad7_totals_and_bands(answers: str, total: int, band: str) -> None:
    result = _answers(answers, "gad7")
    assert (result.total, result.band) == (total, band)


def test_sows_total_without_bands() -> None:
    result = _answers("4,3,2,1,0,4,3,2,1,0,4,3,2,1,0,1", "sows")
    assert result.total == 31
    assert result.band is None
    assert _answers(",".join(["4"] * 16), "sows").total == 64


@pytest.mark.parametrize(
    ("yes_count", "band"),
    [
        (0, "below the screening threshold"),
        (1, "below the screening threshold"),
        (2, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (5, "moderate"),
        (6, "severe"),
        (11, "severe"),
    ],
)
def test_kratom_self_check_counts_criteria(yes_count: int, band: str) -> None:
    answers = ",".join(["1"] * yes_count + ["0"] * (11 - yes_count))
    result = _answers(answers, "kud")
    assert (result.total, result.band) == (yes_count, band)


def test_missing_item_gives_no_score_not_a_guess() -> None:
    result = _answers("1,1,1,1,-,1,1,1,0", "phq9")
    assert result.total is None and result.band is None
    assert result.missing == ("5",)
    assert result.answered == 8
    assert result.no_score_reason is not None and "1 item unanswered (5)" in result.no_score_reason


def test_missing_item_still_scores_complete_subscale_and_safety() -> None:
    result = _answers("2,2,,,,,,,1", "phq9")
    assert result.total is None
    assert result.subscales[0].total == 4
    assert result.crisis is True


def test_unscored_difficulty_item_is_optional_and_not_counted() -> None:
    with_difficulty = _answers("1,1,1,1,1,1,1,1,0,2", "phq9")
    assert with_difficulty.total == 8 and with_difficulty.missing == ()
    without = _answers("1,1,1,1,1,1,1,1,0", "phq9")
    assert without.total == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,1,1", "needs 9 or 10 comma-separated answers, got 3"),
        ("1,1,1,1,1,1,1,1,4", "item 9: answer 4 is not one of 0, 1, 2, 3"),
        ("1,1,1,1,1,1,1,1,x", "answer 9: 'x' is not a whole number"),
    ],
)
def test_bad_answers_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidAnswers, match=message):
        parse_answer_list(shipped_instrument("phq9"), text)


def test_unknown_item_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="has no item '10'"):
        score(shipped_instrument("phq9"), {"10": 1})


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item9_above_zero_raises_crisis_flag_whatever_the_total(item9: int) -> None:
    result = _answers(f"0,0,0,0,0,0,0,0,{item9}", "phq9")
    assert result.crisis is True
    assert result.band == "minimal"
    assert result.safety_flags[0].item == "9"


def test_item9_zero_raises_no_flag() -> None:
    assert _answers("3,3,3,3,3,3,3,3,0", "phq9").crisis is False


def _prorating_instrument():
    raw = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src/kratom_journal/data/instruments/gad7.json"
        ).read_text(encoding="utf-8")
    )
    raw["id"] = "prorated"
    raw["scoring"]["missing"] = {"rule": "prorate", "max_missing": 2, "basis": "test manual"}
    return parse_instrument(json.dumps(raw), "prorated.json")


def test_prorating_when_the_manual_allows_it() -> None:
    instrument = _prorating_instrument()
    # 6 answered items summing to 10: 10 / 6 * 7 = 11.67 -> 12
    result = score(instrument, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 1, "6": 1})
    assert (result.total, result.prorated, result.band) == (12, True, "moderate")
    # 5 answered summing to 5: 5 / 5 * 7 = 7
    assert score(instrument, {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}).total == 7
    # 3 missing exceeds max_missing 2
    assert score(instrument, {"1": 1, "2": 1, "3": 1, "4": 1}).total is None


def test_half_rounds_up_when_prorating() -> None:
    instrument = _prorating_instrument()
    # 6 answered summing to 3: 3 / 6 * 7 = 3.5 -> 4
    result = score(instrument, {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0})
    assert result.total == 4


@pytest.mark.parametrize(
    ("current", "previous", "baseline", "delta", "meaningful", "response", "remission"),
    [
        (9, 16, 18, -7, "improved", True, False),
        (12, 16, 18, -4, "no meaningful change", False, False),
        (11, 16, 16, -5, "improved", False, False),
        (8, 16, 16, -8, "improved", True, False),
        (4, 8, 16, -4, "no meaningful change", True, True),
        (15, 10, 10, 5, "worsened", False, False),
        (3, 3, 3, 0, "no meaningful change", False, None),
        (0, 0, 0, 0, "no meaningful change", None, None),
    ],
)
def test_phq9_change_mcid_response_remission(
    current, previous, baseline, delta, meaningful, response, remission
) -> None:
    result = compare(shipped_instrument("phq9"), current, previous, baseline)
    assert result.delta == delta
    assert result.meaningful == meaningful
    assert result.response is response
    assert result.remission is remission


def test_percent_change_from_baseline() -> None:
    result = compare(shipped_instrument("phq9"), 9, 16, 18)
    assert result.percent_from_baseline == -50.0


@pytest.mark.parametrize(
    ("current", "previous", "meaningful"),
    [(10, 14, "improved"), (11, 14, "no meaningful change"), (18, 14, "worsened")],
)
def test_gad7_mcid_is_4_points(current: int, previous: int, meaningful: str) -> None:
    result = compare(shipped_instrument("gad7"), current, previous)
    assert result.meaningful == meaningful
    assert result.response is None and result.remission is None


def test_no_mcid_means_no_judgement() -> None:
    result = compare(shipped_instrument("sows"), 10, 30)
    assert result.delta == -20 and result.meaningful is None

"""Property tests for the scoring engine and the answer-list parser.

What is tested: for any complete set of valid answers to a shipped
instrument, the total is the sum, lies in the score range and has a band
when the instrument defines bands; the crisis flag is set exactly when PHQ-9
item 9 is above 0; formatting answers as a list and parsing it back is the
identity.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_journal.instruments import (
    SHIPPED_IDS,
    parse_answer_list,
    score,
    shipped_instrument,
)


@st.composite
def complete_answers(draw):  # type: ignore[no-untyped-def]
    instrument = shipped_instrument(draw(st.sampled_from(SHIPPED_IDS)))
    answers = {
        item.id: draw(st.sampled_from([o.value for o in instrument.options(item)]))
        for item in instrument.scored_items
    }
    return instrument, answers


@settings(max_examples=200, deadline=None)
@given(complete_answers())
def test_total_is_sum_in_range_with_band(case) -> None:  # type: ignore[no-untyped-def]
    instrument, answers = case
    result = score(instrument, answers)
    low, high = instrument.score_range
    assert result.total == sum(answers.values())
    assert low <= result.total <= high
    assert (result.band is not None) == bool(instrument.bands)
    assert result.crisis == (instrument.id == "phq9" and answers["9"] > 0)


@settings(max_examples=200, deadline=None)
@given(complete_answers())
def test_answer_list_round_trip(case) -> None:  # type: ignore[no-untyped-def]
    instrument, answers = case
    text = ",".join(str(answers[item.id]) for item in instrument.scored_items)
    parsed = parse_answer_list(instrument, text)
    assert {k: v for k, v in parsed.items() if v is not None} == answers

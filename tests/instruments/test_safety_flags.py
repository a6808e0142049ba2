"""``safety_flags``: the one crisis rule, read from the instrument's own file.

What is tested: PHQ-9 item 9 above 0 flags whatever the other answers are, on
partial answers too; a test instrument's own rule (item b from 2) flags and PHQ-9's
does not leak into it; odd values never raise and never flag; scores carry the
same flags. What is NOT tested: how faces show the notice (tests/cli, tests/web).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.instruments import (
    needs_crisis_resources,
    safety_flags,
    score,
    shipped_instrument,
    shipped_instruments,
)
from tests.instruments.builders import CRISIS_FROM, CRISIS_ITEM, checkin_instrument

PHQ9 = shipped_instrument("phq9")


@given(st.integers(0, 3), st.dictionaries(st.sampled_from("12345678"), st.integers(0, 3)))
def test_phq9_item9_above_zero_always_flags(item9: int, others: dict[str, int]) -> None:
    flags = safety_flags(PHQ9, {**others, "9": item9})
    assert needs_crisis_resources(flags) == (item9 > 0)


def test_partial_answers_flag_as_soon_as_item9_is_given() -> None:
    assert safety_flags(PHQ9, {}) == ()
    assert [(f.item, f.value) for f in safety_flags(PHQ9, {"9": 1})] == [("9", 1)]


def test_the_test_instruments_own_rule() -> None:
    checkin = checkin_instrument()
    assert not needs_crisis_resources(safety_flags(checkin, {CRISIS_ITEM: CRISIS_FROM - 1}))
    flags = safety_flags(checkin, {"a": 0, CRISIS_ITEM: CRISIS_FROM, "c": 0})
    assert needs_crisis_resources(flags) and flags[0].item == CRISIS_ITEM
    # PHQ-9's rule is not the test instrument's: an item called 9 does not exist there.
    assert safety_flags(checkin, {"9": 3}) == ()
    assert score(checkin, {"a": 0, CRISIS_ITEM: 3, "c": 0}).crisis


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.floats(), st.lists(st.none())))
def test_odd_values_never_raise(value: object) -> None:
    for instrument in shipped_instruments():
        for rule in instrument.safety:
            flags = safety_flags(instrument, {rule.item: value})
            assert all(f.value >= rule.min_value for f in flags)


def test_numbers_as_text_are_read_not_ignored() -> None:
    assert needs_crisis_resources(safety_flags(PHQ9, {"9": " 2 "}))
    assert needs_crisis_resources(safety_flags(PHQ9, {"9": 1.0}))
    assert not needs_crisis_resources(safety_flags(PHQ9, {"9": True}))


def test_scores_carry_the_same_flags() -> None:
    answers = dict.fromkeys((str(i) for i in range(1, 10)), 0) | {"9": 2}
    assert score(PHQ9, answers).safety_flags == safety_flags(PHQ9, answers)

"""Invisible characters never split a key, and numbers are read strictly (hypothesis).

What is tested: any label with zero-width, joiner, BOM, soft-hyphen or no-break characters
sprinkled in groups with the plain label; the normalisation is idempotent and never leaves a
format character; a medicine name with a joiner is the same substance; the strict number
parsers accept exactly ASCII numbers and refuse ``1_0``, other digits and non-finite values
with the field named.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.domain.entries import Dose, Unit
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.numbers import decimal_number, whole_number
from kratom_journal.domain.strains import normalize_strain, visible_text

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"]
WORDS = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1)
AT = datetime(2026, 11, 1, 9, tzinfo=UTC)


@given(st.lists(WORDS, min_size=1, max_size=4), st.data())
def test_invisible_characters_never_make_a_second_strain(
    words: list[str], data: st.DataObject
) -> None:
    plain = " ".join(words)
    sprinkled = "".join(c + data.draw(st.sampled_from(["", *INVISIBLE[1:]])) for c in plain)
    assert normalize_strain(sprinkled) == normalize_strain(plain)
    assert normalize_strain(plain.replace(" ", "\u00a0")) == normalize_strain(plain)


@given(st.text())
def test_visible_text_is_idempotent_and_keeps_no_format_character(text: str) -> None:
    once = visible_text(text)
    assert visible_text(once) == once
    assert not any(unicodedata.category(c) == "Cf" for c in once)
    assert unicodedata.is_normalized("NFC", once)


def test_red_bali_with_a_zero_width_space_is_red_bali() -> None:
    doses = [
        Dose(AT, 2.0, Unit.G, strain=s)
        for s in ("Red Bali", "Red\u200bBali", "\ufeffRed\u00a0Bali")
    ]
    assert {d.strain for d in doses} == {"Red Bali"}
    assert {d.strain_key for d in doses} == {"red-bali"}
    only_invisible = Dose(AT, 2.0, Unit.G, strain="\u200b\u200d", product="\ufeff")
    assert only_invisible.strain is None and only_invisible.product is None


def test_a_medicine_name_with_a_joiner_is_the_same_substance() -> None:
    assert Dose(AT, 1, Unit.MG, substance="medication:sert\u200craline").substance == (
        "medication:sertraline"
    )


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_whole_numbers_round_trip(value: int) -> None:
    assert whole_number(str(value), "sol_min") == value


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_finite_decimals_round_trip(value: float) -> None:
    assert decimal_number(repr(value), "amount") == value


@given(st.text(max_size=12))
def test_the_strict_parsers_accept_only_plain_ascii_numbers(text: str) -> None:
    try:
        value = decimal_number(text, "amount")
    except InvalidEntry as refused:
        assert refused.field == "amount"
        return
    assert math.isfinite(value)
    assert text.strip().isascii() and "_" not in text


@pytest.mark.parametrize("text", ["1_0", "١٢", "nan", "inf", "1e400", "0x10", "", "1.2.3"])
def test_hostile_numbers_are_refused_by_field(text: str) -> None:
    with pytest.raises(InvalidEntry, match="^amount: "):
        decimal_number(text, "amount")
    with pytest.raises(InvalidEntry, match="^sol_min: "):
        whole_number(text, "sol_min")

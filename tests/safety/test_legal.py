"""Legal look-up: codes, fallback, the six-month staleness warning and the closing line.

What is tested: US-AL and TH with their dates; a real subdivision without a
row falls back to its country; locality -> subdivision -> country; a real
country we do not list; malformed and non-ISO codes refused with the valid
ones; the outdated flag relative to a given today. What is NOT tested: whether
the law is current.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.safety.freshness import months_between
from kratom_journal.safety.legal import (
    LAWS_CHANGE_LINE,
    LegalCodeError,
    is_outdated,
    lookup,
    normalize_code,
)

TODAY = date(2026, 11, 26)


def test_us_al_is_banned_dated_and_carries_federal_context() -> None:
    result = lookup("US-AL", TODAY)
    assert result.exact
    assert [e.code for e in result.entries] == ["US-AL", "US"]
    text = "\n".join(result.lines())
    assert "Alabama (US-AL): banned — as of 2025-10-01" in text
    assert "Possibly outdated" in text  # 2025-10-01 is more than 12 months before TODAY
    assert result.lines()[-1] == LAWS_CHANGE_LINE


def test_thailand_is_age_restricted_with_date() -> None:
    text = "\n".join(lookup("th", TODAY).lines())
    assert "Thailand (TH): age-restricted, 18+ — as of 2022-08-27" in text
    assert "psychotropic" in text
    assert LAWS_CHANGE_LINE in text


def test_subdivision_without_entry_falls_back_to_country() -> None:
    # Every US state has its own row now; Ontario is a real subdivision without one.
    result = lookup("CA-ON", TODAY)
    assert result.found and not result.exact
    assert result.entries[0].code == "CA"
    assert "no entry of its own" in result.lines()[0]


def test_locality_chain() -> None:
    result = lookup("us-ca:San Diego", TODAY)
    assert [e.code for e in result.entries] == ["US-CA:san-diego", "US-CA", "US"]


def test_unknown_code_says_not_in_list_and_is_dated() -> None:
    # A real ISO country we have no row for (ZZ, not ISO 3166, is now refused).
    lines = lookup("AR", TODAY).lines()
    assert "not in our list" in lines[0] and "last updated 20" in lines[0]
    assert lines[-1] == LAWS_CHANGE_LINE


@pytest.mark.parametrize("bad", ["", "Alabama", "U", "US-ALABAMA", "123"])
def test_malformed_code(bad: str) -> None:
    with pytest.raises(LegalCodeError, match="expected a country like TH"):
        normalize_code(bad)


def test_exact_name_is_accepted_and_unknown_name_is_an_error() -> None:
    assert lookup("alabama", TODAY).entries[0].code == "US-AL"
    with pytest.raises(LegalCodeError):
        lookup("Atlantis", TODAY)


def test_normalize_code() -> None:
    assert normalize_code(" us_al ") == "US-AL"
    assert normalize_code("US-FL:Sarasota County") == "US-FL:sarasota-county"


def test_months_between_and_outdated_boundary() -> None:
    # The staleness limit is six months (it was twelve).
    assert months_between(date(2025, 11, 26), date(2026, 11, 26)) == 12
    assert months_between(date(2025, 11, 27), date(2026, 11, 26)) == 11
    entry = lookup("TH", TODAY).entries[0]
    fresh = entry.model_copy(update={"as_of": date(2026, 5, 26)})
    stale = entry.model_copy(update={"as_of": date(2026, 5, 25)})
    assert not is_outdated(fresh, TODAY)
    assert is_outdated(stale, TODAY)


@given(st.from_regex(r"\A[A-Za-z]{2}([-_ ][A-Za-z0-9]{1,3})?(:[A-Za-z0-9 ]{1,12})?\Z"))
def test_normalize_code_is_idempotent(text: str) -> None:
    try:
        once = normalize_code(text)
    except LegalCodeError:
        return
    assert normalize_code(once) == once

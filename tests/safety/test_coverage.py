"""Every place a person can choose has a legal row and crisis resources.

What is tested: all 50 states, DC and Puerto Rico and every country the product
lists have a row of their own; the chooser list (``jurisdiction_choices``) holds
countries and their subdivisions with names, and every code in it has a legal
row; every country in it has a crisis line or, said so, the worldwide
directory; codes that are not ISO 3166 are refused with the valid ones; the DEA
7-OH action is recorded with its stage and dates. What is NOT tested: whether
the law or the numbers are still current (that is the review's job).
"""

from __future__ import annotations

from datetime import date

import pytest

from kratom_journal.safety import data
from kratom_journal.safety.crisis import crisis_resources
from kratom_journal.safety.legal import LegalCodeError, lookup
from kratom_journal.safety.legal_schemas import ActionStage, LegalStatus
from kratom_journal.services.safety import check_jurisdiction, jurisdiction_choices

TODAY = date(2026, 12, 2)
STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
US_PLACES = [f"US-{s}" for s in STATES] + ["US-DC", "US-PR"]
EU_EEA = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO"
).split()
COUNTRIES = sorted({*"US CA MX GB IE CH AU NZ TH MY ID VN PH SG JP KR IN IL BR".split(), *EU_EEA})
CHOICES = jurisdiction_choices()
CHOICE_CODES = [c.code for c in CHOICES] + [s.code for c in CHOICES for s in c.subdivisions]


def test_fifty_states_dc_and_puerto_rico() -> None:
    assert len(STATES) == 50
    codes = {e.code for e in data.legal().entries}
    assert set(US_PLACES) <= codes


@pytest.mark.parametrize("code", [*US_PLACES, *COUNTRIES])
def test_every_place_has_its_own_row(code: str) -> None:
    result = lookup(code, TODAY)
    assert result.exact, code
    entry = result.entries[0]
    assert entry.status in set(LegalStatus)
    assert entry.sources and entry.as_of <= entry.reviewed and entry.confidence
    text = "\n".join(result.lines())
    assert f"({code}): {entry.status.value}" in text
    assert f"as of {entry.as_of.isoformat()}" in text and "Source:" in text
    assert "Confidence:" in text


def test_jurisdiction_choices_are_countries_with_their_subdivisions() -> None:
    by_code = {c.code: c for c in CHOICES}
    assert set(COUNTRIES) <= set(by_code)
    us = by_code["US"]
    assert us.name == "United States"
    assert {s.code for s in us.subdivisions} == set(US_PLACES)
    assert [s.name for s in us.subdivisions] == sorted(s.name for s in us.subdivisions)
    assert [c.name for c in CHOICES] == sorted(c.name for c in CHOICES)
    assert all(c.name and not c.subdivisions for c in CHOICES if c.code != "US")
    assert not any(":" in code for code in CHOICE_CODES)  # cities are shown, not chosen


@pytest.mark.parametrize("code", CHOICE_CODES)
def test_every_choice_has_a_legal_row(code: str) -> None:
    assert check_jurisdiction(code.lower()) == code
    result = lookup(code, TODAY)
    assert result.exact and result.entries[0].sources


@pytest.mark.parametrize("code", [c.code for c in CHOICES])
def test_every_country_choice_shows_a_crisis_line_or_the_directory(code: str) -> None:
    notice = crisis_resources(code)
    assert notice.directory.contacts == (("web", "https://findahelpline.com"),)
    if notice.lines:
        assert notice.fallback_note is None
        for line in notice.lines:
            assert line.contacts and line.hours and line.source and line.languages
            assert line.last_verified.year >= 2026
    else:
        assert notice.fallback_note  # the person is told there is no line, and shown the directory


def test_a_subdivision_gets_its_countrys_crisis_line() -> None:
    assert crisis_resources("US-TX").lines[0].name == "988 Suicide & Crisis Lifeline"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("US-ZZ", r"not an ISO 3166-2 subdivision of United States\. Valid codes: US-AK, US-AL"),
        ("ZZ", r"not an ISO 3166-1 country code\. Countries in our list: AT, AU"),
        ("GB-XX", "Valid codes: GB-"),
        ("XK", "not an ISO 3166-1 country code"),
    ],
)
def test_codes_that_are_not_iso_3166_are_refused_with_the_valid_ones(
    code: str, expected: str
) -> None:
    with pytest.raises(LegalCodeError, match=expected):
        lookup(code, TODAY)
    with pytest.raises(LegalCodeError, match=expected):
        check_jurisdiction(code)


def test_a_real_code_without_a_row_is_not_refused() -> None:
    assert check_jurisdiction("ca-on") == "CA-ON"
    assert lookup("CA-ON", TODAY).entries[0].code == "CA"
    assert not lookup("AR", TODAY).found


def test_dea_7oh_action_has_its_stage_and_dates() -> None:
    us = lookup("US", TODAY).entries[0]
    dea = [
        a for a in us.actions if a.label.startswith("DEA notice of intent") and "7-OH" in a.label
    ]
    assert dea and dea[0].stage is ActionStage.NOTICE_OF_INTENT
    assert dea[0].stage_date == date(2026, 7, 1) and dea[0].pending
    stages = {a.stage for a in us.actions}
    assert {ActionStage.RECOMMENDATION, ActionStage.WITHDRAWN} <= stages
    assert "NOTICE OF INTENT" in us.seven_oh and "no temporary order" in us.seven_oh


def test_unknown_is_a_status_and_is_shown() -> None:
    unknown = [e for e in data.legal().entries if e.status is LegalStatus.UNKNOWN]
    assert unknown
    text = "\n".join(lookup(unknown[0].code, TODAY).lines())
    assert f"({unknown[0].code}): unknown" in text

"""Crisis resources: shipped data, country choice and the item-9 rule.

What is tested: the crisis-line file validates and every entry has a source
and a last-verified date; each listed country gets its line; a missing or
unknown country still gets a non-empty notice with the worldwide directory;
the notice always says the app alerts no one; item 9 = 1, 2, 3 needs the
notice and 0 does not.
What is NOT tested: that the numbers are still current (re-verify before
each release; see the file's note).
"""

from __future__ import annotations

import pytest

from kratom_journal.safety.crisis import (
    crisis_data,
    crisis_resources,
    needs_crisis_notice,
    normalize_country,
)


def test_every_crisis_line_has_source_and_last_verified() -> None:
    data = crisis_data()
    for line in [*data.lines, data.directory]:
        assert line.source.strip()
        assert line.last_verified.year >= 2024


@pytest.mark.parametrize(
    ("country", "name", "number", "emergency"),
    [
        ("US", "988 Suicide & Crisis Lifeline", "988", "911"),
        ("CA", "9-8-8: Suicide Crisis Helpline", "9-8-8", "911"),
        ("GB", "Samaritans", "116 123", "999"),
        ("uk", "Samaritans", "116 123", "999"),
        ("IE", "Samaritans", "116 123", "112 or 999"),
        ("AU", "Lifeline Australia", "13 11 14", "000"),
        ("NZ", "Need to talk? 1737", "1737", "111"),
        ("DE", "TelefonSeelsorge", "0800 111 0 111", "112"),
        ("JP", "Yorisoi Hotline (よりそいホットライン)", "0120-279-338", None),
        ("LI", None, None, None),
        ("US-CA", "988 Suicide & Crisis Lifeline", "988", "911"),
    ],
)
def test_country_lines(
    country: str, name: str | None, number: str | None, emergency: str | None
) -> None:
    notice = crisis_resources(country)
    assert notice.emergency_number == emergency
    if name is None:  # no line on file: the directory, said so
        assert notice.lines == () and notice.fallback_note
        return
    first = notice.lines[0]
    assert first.name == name
    assert number in [value for _kind, value in first.contacts]
    assert notice.fallback_note is None


@pytest.mark.parametrize("country", [None, "", "  ", "ZZ", "AR", "not a country"])
def test_no_or_unknown_country_still_gives_a_notice(country: str | None) -> None:
    notice = crisis_resources(country)
    assert notice.lines == ()
    assert notice.fallback_note
    assert "findahelpline.com" in notice.directory.contacts[0][1]
    assert notice.headline and notice.message and notice.danger


@pytest.mark.parametrize("country", [None, "US", "GB", "ZZ"])
def test_notice_says_app_alerts_no_one_and_has_directory(country: str | None) -> None:
    notice = crisis_resources(country)
    assert "alerts no one" in notice.no_alert
    data = notice.to_dict()
    assert data["crisis"] is True
    assert data["directory"]["contacts"][0]["value"] == "https://findahelpline.com"
    assert "alerts no one" in data["app_alerts_no_one"]
    assert data["directory"]["last_verified"]


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item9_above_zero_needs_notice(item9: int) -> None:
    assert needs_crisis_notice([0] * 8 + [item9]) is True
    assert needs_crisis_notice({"9": item9}) is True
    assert needs_crisis_notice({"9": str(item9)}) is True


@pytest.mark.parametrize("answers", [[3] * 8 + [0], {"9": 0}, {"9": None}, {}, [], {"9": "x"}])
def test_no_notice_without_item9_above_zero(answers) -> None:
    assert needs_crisis_notice(answers) is False


def test_instruments_without_crisis_rule() -> None:
    assert needs_crisis_notice({"1": 3}, instrument_id="gad7") is False


@pytest.mark.parametrize(
    ("raw", "code"), [("us", "US"), ("UK", "GB"), ("gb-eng", "GB"), (None, None), ("123", None)]
)
def test_normalize_country(raw: str | None, code: str | None) -> None:
    assert normalize_country(raw) == code

"""Name normalisation and interaction look-ups.

What is tested: the alprazolam -> benzodiazepines -> dangerous route through
generic, brand, odd case/spacing, strengths, salts and release forms; unknown
names are never reported as safe; severity ordering. What is NOT tested: the
pharmacology itself (see the sources in data/interactions.json).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.safety.interactions import (
    NOT_LISTED_MESSAGE,
    check,
    normalize_drug_name,
)
from kratom_journal.safety.schemas import Severity


@pytest.mark.parametrize(
    "name",
    [
        "alprazolam",
        "Alprazolam",
        "  ALPRAZOLAM  ",
        "Xanax",
        "xanax xr",
        "XANAX-XR 1 mg",
        "x anax",
        "alprazolam er",
        "Alprazolam ER 0.5mg tablets",
        "medication:alprazolam",
        "Medication: Alprazolam",
        "alprazolam sandoz",
    ],
)
def test_alprazolam_routes_to_dangerous_benzodiazepine(name: str) -> None:
    result = check(name)
    assert result.generics == ("alprazolam",)
    assert result.classes[0].id == "benzodiazepines"
    assert result.severity is Severity.DANGEROUS
    assert "benzodiazepines" in result.headline() and "dangerous" in result.headline()


@pytest.mark.parametrize(
    ("name", "generic", "class_id"),
    [
        ("Zoloft", "sertraline", "serotonergic"),
        ("sertraline hydrochloride", "sertraline", "serotonergic"),
        ("Toprol XL", "metoprolol", "cyp2d6_substrates"),
        ("oxycodone hcl er", "oxycodone", "opioids"),
        ("Percocet", "oxycodone/acetaminophen", "opioids"),
        ("paracetamol", "acetaminophen", "hepatotoxic"),
        ("Tylenol PM", "acetaminophen/diphenhydramine", "sedating_medicines"),
        ("Sudafed PE", "phenylephrine", "stimulants"),
        ("grapefruit juice", "grapefruit", "cyp3a4_inhibitors"),
        ("alcohol", "alcohol", "alcohol"),
        ("Lyrica", "pregabalin", "gabapentinoids"),
        ("St. John's Wort", "st john's wort", "serotonergic"),
    ],
)
def test_known_names(name: str, generic: str, class_id: str) -> None:
    result = check(name)
    assert generic in result.generics
    assert class_id in [c.id for c in result.classes]


def test_classes_are_sorted_most_severe_first() -> None:
    result = check("tramadol")
    order = {Severity.DANGEROUS: 0, Severity.CAUTION: 1, Severity.UNKNOWN: 2}
    ranks = [order[c.severity] for c in result.classes]
    assert ranks == sorted(ranks) and result.severity is Severity.DANGEROUS


@pytest.mark.parametrize("name", ["melatonin", "vitamin d", "zzzz", "", "kratom"])
def test_unknown_is_never_reported_safe(name: str) -> None:
    result = check(name)
    assert not result.listed
    assert result.severity is None
    line = result.headline()
    assert NOT_LISTED_MESSAGE in line and "ask a pharmacist" in line
    assert "no interaction" not in line.lower()


def test_near_miss_suggests_but_does_not_match() -> None:
    result = check("alprazolan")
    assert not result.listed
    assert "alprazolam" in result.suggestions


def test_two_medicines_in_one_name() -> None:
    result = check("sertraline and alprazolam")
    assert set(result.generics) == {"sertraline", "alprazolam"}
    assert result.severity is Severity.DANGEROUS


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_check_never_crashes(text: str) -> None:
    once = normalize_drug_name(text)
    assert normalize_drug_name(once) == once
    result = check(text)
    assert result.listed or NOT_LISTED_MESSAGE in result.headline()


def test_explanation_says_why_and_cites() -> None:
    from kratom_journal.safety.interactions import explain_lines

    text = "\n".join(explain_lines(check("Xanax")))
    assert "[dangerous] Benzodiazepines" in text
    assert "Why: " in text and "breathing" in text
    assert "Source: " in text and "As of " in text
    assert "pharmacist or clinician" in text


def test_substance_to_check() -> None:
    from kratom_journal.safety.interactions import substance_to_check

    assert substance_to_check("medication:sertraline") == "sertraline"
    assert substance_to_check("other:gbl") == "gbl"
    assert substance_to_check("alcohol") == "alcohol"
    assert substance_to_check("kratom") is None
    assert substance_to_check("other") is None


def test_every_shipped_name_finds_its_own_medicine() -> None:
    from kratom_journal.safety import data

    for drug in data.drug_names().drugs:
        for name in (drug.generic, *drug.brands, *drug.aliases):
            assert check(name).generics == (drug.generic,), name


def test_shortened_brand_does_not_shadow_another() -> None:
    assert check("Tylenol").generics == ("acetaminophen",)
    assert check("Tylenol 3").generics == ("codeine/acetaminophen",)
    assert "acetaminophen" in check("tylenol cold").generics

"""The reviewed interaction list: the substances people combine, graded and dated.

What is tested: every substance group the review added resolves to its class
with a severity, an evidence grade and sources; the corrected citation (PMID
20411370 is kratom with Datura, not modafinil); an unknown name is "not in our
list — ask a pharmacist" with no information and never "safe"; a class older
than six months says it may have changed (with a fixed today). What is NOT
tested: that the pharmacology is complete.
"""

from __future__ import annotations

from datetime import date

import pytest

from kratom_journal.safety import data
from kratom_journal.safety.interactions import NOT_LISTED_MESSAGE, check, explain_lines, result_dict
from kratom_journal.safety.schemas import InteractionEvidence, Severity

ADDED = {
    "gabapentin": "gabapentinoids",
    "Lyrica": "gabapentinoids",
    "Imodium": "loperamide",
    "kava kava": "kava",
    "phenibut": "phenibut",
    "Provigil": "modafinil",
    "Adderall": "stimulants",
    "Ritalin": "stimulants",
    "Zoloft": "serotonergic",
    "Effexor XR": "serotonergic",
    "Nardil": "maois",
    "Ultram": "tramadol_tapentadol",
    "Nucynta": "tramadol_tapentadol",
    "Suboxone": "buprenorphine",
    "methadone": "methadone",
    "Vivitrol": "opioid_antagonists",
    "clarithromycin": "cyp3a4_inhibitors",
    "grapefruit juice": "cyp3a4_inhibitors",
    "rifampicin": "cyp3a4_inducers",
    "Tegretol": "cyp3a4_inducers",
    "St John's wort": "cyp3a4_inducers",
    "Prozac": "cyp2d6_inhibitors",
    "bupropion": "cyp2d6_inhibitors",
    "quinidine": "cyp2d6_inhibitors",
}


@pytest.mark.parametrize(("name", "class_id"), sorted(ADDED.items()))
def test_commonly_combined_substances_are_listed(name: str, class_id: str) -> None:
    result = check(name)
    assert result.listed, name
    found = {c.id: c for c in result.classes}
    assert class_id in found, (name, list(found))
    cls = found[class_id]
    assert cls.severity in set(Severity) and cls.evidence_level in set(InteractionEvidence)
    assert cls.sources and cls.as_of and cls.confidence


def test_every_class_is_graded_sourced_and_dated() -> None:
    for cls in data.interactions().classes:
        assert cls.sources and cls.evidence_note and cls.as_of >= date(2026, 11, 26), cls.id


def test_pmid_20411370_is_cited_as_kratom_with_datura_not_modafinil() -> None:
    citing = [
        (c, s) for c in data.interactions().classes for s in c.sources if s.pmid == "20411370"
    ]
    assert citing and all(c.id != "modafinil" for c, _ in citing)
    for cls, source in citing:
        assert "Datura" in source.label and "Datura" in cls.evidence_note
    modafinil = {c.id: c for c in data.interactions().classes}["modafinil"]
    assert all(s.pmid != "20411370" for s in modafinil.sources)
    assert "Datura, not modafinil" in modafinil.evidence_note


def test_naltrexone_grade_rests_on_a_case_report() -> None:
    cls = {c.id: c for c in data.interactions().classes}["opioid_antagonists"]
    assert cls.evidence_level is InteractionEvidence.CASE_REPORTS


@pytest.mark.parametrize("name", ["zorblatine", "xq-99", "kratomol forte"])
def test_unknown_names_have_no_information_and_are_never_safe(name: str) -> None:
    result = check(name)
    assert not result.listed and result.severity is None
    line = result.headline()
    assert "not in our list — ask a pharmacist" in line and "no information" in line
    assert "safe" not in line.replace("does not make a combination safe", "")
    assert result_dict(result)["message"] == NOT_LISTED_MESSAGE


def test_explanations_are_dated_and_old_ones_say_so() -> None:
    fresh = explain_lines(check("kava"), date(2026, 12, 2))
    assert any(line.strip().startswith("As of 2026-12-02") for line in fresh)
    assert not any("may have changed" in line for line in fresh)
    later = explain_lines(check("kava"), date(2027, 6, 3))
    assert any("! Possibly outdated: this may have changed" in line for line in later)
    classes = result_dict(check("kava"), date(2027, 6, 3))["classes"]
    assert isinstance(classes, list) and all(c["stale"] for c in classes)

"""Shipped safety facts validate against their schemas and carry a source and a date.

What is tested: every data file parses and validates; every entry has at least
one source with a PMID, DOI or URL and an ``as_of`` date; removing either makes
validation fail; drug names point only at known interaction classes; the US
helpline is SAMHSA's. What is NOT tested: that the facts are still true (that is
the ``as_of`` date's and the docs' job).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kratom_journal.safety import data
from kratom_journal.safety.data import DATA_FILES, DataFileError, read_json, validate
from kratom_journal.safety.schemas import Severity

LIST_KEYS = {
    "interactions.json": "classes",
    "drug_names.json": "drugs",
    "legal_status.json": "entries",
    "evidence.json": "claims",
    "helplines.json": "helplines",
    "signal_notes.json": "notes",
}


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_file_validates(name: str) -> None:
    model = validate(name, DATA_FILES[name], read_json(name))
    entries = getattr(model, LIST_KEYS[name])
    assert entries
    for entry in entries:
        assert entry.sources and entry.as_of
        for source in entry.sources:
            assert source.pmid or source.doi or source.url


@pytest.mark.parametrize("name", sorted(DATA_FILES))
@pytest.mark.parametrize("field", ["sources", "as_of"])
def test_entry_without_source_or_date_fails(name: str, field: str) -> None:
    raw: Any = copy.deepcopy(read_json(name))
    del raw[LIST_KEYS[name]][0][field]
    with pytest.raises(DataFileError, match=field):
        validate(name, DATA_FILES[name], raw)


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_source_without_locator_fails(name: str) -> None:
    raw: Any = copy.deepcopy(read_json(name))
    raw[LIST_KEYS[name]][0]["sources"] = [{"label": "a book somewhere"}]
    with pytest.raises(DataFileError, match="pmid, doi or url"):
        validate(name, DATA_FILES[name], raw)


def test_empty_sources_list_fails() -> None:
    raw: Any = copy.deepcopy(read_json("helplines.json"))
    raw["helplines"][0]["sources"] = []
    with pytest.raises(DataFileError, match="sources"):
        validate("helplines.json", DATA_FILES["helplines.json"], raw)


def test_drug_classes_exist_and_names_are_unique() -> None:
    class_ids = {c.id for c in data.interactions().classes}
    seen: set[str] = set()
    for drug in data.drug_names().drugs:
        assert set(drug.classes) <= class_ids, drug.generic
        for name in (drug.generic, *drug.brands, *drug.aliases):
            assert name.casefold() not in seen, name
            seen.add(name.casefold())
    assert len(seen) >= 300  # several hundred generic and brand names


def test_interaction_vocabulary_and_required_classes() -> None:
    by_id = {c.id: c for c in data.interactions().classes}
    for required in (
        "opioids",
        "benzodiazepines",
        "z_drugs",
        "alcohol",
        "gabapentinoids",
        "ghb_gbl",
        "cyp3a4_substrates",
        "cyp2d6_substrates",
        "serotonergic",
        "stimulants",
        "qt_prolonging",
        "seizure_threshold",
        "hepatotoxic",
    ):
        assert required in by_id
    assert by_id["benzodiazepines"].severity is Severity.DANGEROUS


def test_us_helpline_is_samhsa() -> None:
    us = [h for h in data.helplines().helplines if h.country == "US"]
    assert us[0].phone == "1-800-662-4357"


def test_every_seed_claim_names_a_journal_test() -> None:
    claims = {c.id: c for c in data.evidence().claims}
    for required in (
        "faster_sleep_onset",
        "deeper_uninterrupted_sleep",
        "longer_sleep",
        "bali_indo_sedating",
        "anxiolytic",
        "depression_support",
        "mood_sleep_loop",
        "dependence_risk",
        "lack_of_long_term_research",
        "legality_varies",
        "improves_sleep_quality",
    ):
        assert claims[required].journal_tests
    onset = claims["faster_sleep_onset"].journal_tests[0]
    assert onset.analysis_id == "sustained_use x sol_min"


def test_every_journal_test_names_a_question_the_journal_asks() -> None:
    """Analyses name an exposure the insight engine reports and an outcome it has a
    threshold for; experiments name a comparison that can be planned."""
    from kratom_journal.analysis import insights, recall
    from kratom_journal.analysis.choices import Comparison
    from kratom_journal.analysis.thresholds import load_thresholds

    analyses = {
        *insights.BASE_EXPOSURES,
        insights.SLEEP_TO_MOOD[0],
        insights.MOOD_TO_SLEEP[0],
        recall.EXPOSURE,
        "strain_*",
    }
    comparisons = {c.value for c in Comparison} | {"strain_*"}
    outcomes = set(load_thresholds().outcomes)
    for claim in data.evidence().claims:
        for test in claim.journal_tests:
            if test.kind == "analysis":
                assert test.exposure in analyses, (claim.id, test.exposure)
                assert test.outcome in outcomes, (claim.id, test.outcome)
            elif test.kind == "experiment":
                assert test.exposure in comparisons, (claim.id, test.exposure)
                assert test.outcome in outcomes, (claim.id, test.outcome)
                if test.exposure != "strain_*":
                    assert f"--comparison {test.exposure}" in test.command, claim.id

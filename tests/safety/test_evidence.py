"""Evidence panel rendering.

What is tested: every claim renders with grade, summary, a journal test, a source
and a date; the JSON form carries analysis ids like ``sustained_use x sol_min``.
What is NOT tested: the grading itself (see docs/safety.md and the sources).
"""

from __future__ import annotations

from kratom_journal.safety.evidence import claim_dict, claim_lines, claims


def test_every_claim_renders_graded_sourced_and_dated() -> None:
    for claim in claims():
        text = "\n".join(claim_lines(claim))
        assert f"Grade {claim.grade.value}" in text
        assert "Test it: kj " in text
        assert "Source: " in text and "As of " in text


def test_json_has_analysis_ids() -> None:
    by_id = {c.id: claim_dict(c) for c in claims()}
    ids = [t["analysis_id"] for t in by_id["faster_sleep_onset"]["journal_tests"]]
    assert "sustained_use x sol_min" in ids
    assert by_id["faster_sleep_onset"]["grade"] == "D"
    assert by_id["dependence_risk"]["journal_tests"][0]["command"] == "kj safety"


def test_analysis_ids_exist_in_the_analysis_area() -> None:
    """Once the analysis area is installed, every exposure and outcome id must be one of its."""
    import json
    from importlib import resources

    import pytest

    insights = pytest.importorskip("kratom_journal.analysis.insights")
    from kratom_journal.analysis.choices import Comparison
    from kratom_journal.analysis.recall import EXPOSURE as RECALL_EXPOSURE

    exposures = set(insights.BASE_EXPOSURES) | {
        insights.SLEEP_TO_MOOD[0],
        insights.MOOD_TO_SLEEP[0],
        RECALL_EXPOSURE,
    }
    exposures |= {c.value for c in Comparison}
    raw = resources.files("kratom_journal").joinpath("data", "meaningful_change.json").read_text()
    outcomes = set(json.loads(raw)["outcomes"])
    for claim in claims():
        for test in claim.journal_tests:
            if test.exposure:
                assert test.exposure in exposures or test.exposure == "strain_*", test.exposure
            if test.outcome:
                assert test.outcome in outcomes, test.outcome

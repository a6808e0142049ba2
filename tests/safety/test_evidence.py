"""Evidence panel rendering.

What is tested: every claim renders with grade, summary, a journal test, a source
and a date; the JSON form carries analysis ids like ``evening_kratom x sol_min``.
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
    assert "evening_kratom x sol_min" in ids
    assert by_id["faster_sleep_onset"]["grade"] == "D"
    assert by_id["dependence_risk"]["journal_tests"][0]["command"] == "kj safety"

"""The evidence panel: popular claims about kratom, sleep and mood, graded.

Each claim carries a grade (A trials ... D marketing only), a two-sentence
summary, citations, and the journal analysis or self-experiment that tests it
for this person.
"""

from __future__ import annotations

from typing import Any

from kratom_journal.safety import data
from kratom_journal.safety.schemas import GRADE_MEANINGS, Claim

PANEL_NOTE = (
    "Grades describe published evidence, not your own data. Your journal's analyses show "
    "associations in your own nights; only a randomized self-experiment can speak of effect."
)


def claims() -> list[Claim]:
    """All graded claims in file order."""
    return list(data.evidence().claims)


def claim_lines(claim: Claim) -> list[str]:
    """Plain-text block for one claim."""
    lines = [
        f'Claim: "{claim.claim}"',
        f"  Grade {claim.grade.value}: {GRADE_MEANINGS[claim.grade]}",
    ]
    if claim.grade_note:
        lines.append(f"  {claim.grade_note}")
    lines.append(f"  {claim.summary}")
    for test in claim.journal_tests:
        label = f" [{test.analysis_id}]" if test.analysis_id else ""
        lines.append(f"  Test it: {test.command}{label} — {test.description}")
    lines.extend(f"  Source: {s.cite()}" for s in claim.sources)
    lines.append(f"  As of {claim.as_of.isoformat()}")
    return lines


def claim_dict(claim: Claim) -> dict[str, Any]:
    """JSON-ready form of a claim, with the grade's meaning and analysis ids."""
    out = claim.model_dump(mode="json")
    out["grade_meaning"] = GRADE_MEANINGS[claim.grade]
    for test, raw in zip(claim.journal_tests, out["journal_tests"], strict=True):
        raw["analysis_id"] = test.analysis_id
    return out

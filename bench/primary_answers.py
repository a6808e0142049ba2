"""The engine's primary answers of one journal, without its exploratory fits.

The headline answers of :func:`kratom_journal.analysis.insights.analyze` (each family's
sustained-use answer and the withdrawal question) come from one dependence fit per primary
outcome and a verdict that depends on that answer alone; the exploratory fits only add
answers beside them. Fitting just the primary ones is about five times cheaper, which lets
the validation bench score many more journals for false positives, coverage and power.
``tests/analysis/test_independent_validation.py`` checks that the answers are the same as
those of the full engine.
"""

from __future__ import annotations

from kratom_journal.analysis.answers import Answer, FamilyReport
from kratom_journal.analysis.context import build_context
from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.families import FAMILIES
from kratom_journal.analysis.gather import primary_outcome, withdrawal_family
from kratom_journal.analysis.insights import _check_request, _known_outcomes
from kratom_journal.analysis.questions import dependence_answers
from kratom_journal.analysis.verdicts import decide_primary

Key = tuple[str, str]


def primary_answers(table: DayTable) -> dict[Key, Answer] | None:
    """``{(family, kind): answer}`` with verdicts, as the full engine gives them; ``None`` when
    the engine would refuse the journal."""
    known = _known_outcomes(None)
    try:
        _check_request(table, known, None)
    except AnalysisError:
        return None
    ctx = build_context(table)
    reports = []
    for family in FAMILIES:
        primary = primary_outcome(ctx, family, known)
        if primary is None:
            continue
        meta = known[primary]
        y = table.column(primary)
        sustained, _ = dependence_answers(
            ctx, y, primary, family.id, True, float(meta.in_units(y)), meta.higher_is_better
        )
        reports.append(
            FamilyReport(family.id, family.label, family.question, primary, sustained, None, ())
        )
    out: dict[Key, Answer] = {}
    withdrawal = withdrawal_family(ctx, reports, known)
    if withdrawal is not None and withdrawal.rebound is not None:
        out[(withdrawal.id, withdrawal.rebound.kind)] = decide_primary(
            withdrawal.rebound, ctx.n_days
        )
    for report in reports:
        assert report.sustained is not None
        out[(report.id, report.sustained.kind)] = decide_primary(report.sustained, ctx.n_days)
    return out

"""Fit every question of every family (before any verdict is given)."""

from __future__ import annotations

from collections.abc import Mapping

from kratom_journal.analysis.answers import Answer, FamilyReport
from kratom_journal.analysis.composite import INDEX_ID, INDEX_THRESHOLD, sleep_and_mood_index
from kratom_journal.analysis.context import FloatArray, JournalContext
from kratom_journal.analysis.explore import exploratory_exposures, loop_answers, within_dosed_answer
from kratom_journal.analysis.families import FAMILIES, LINKED_OUTCOMES, QUESTIONNAIRES, Family
from kratom_journal.analysis.questions import dependence_answers
from kratom_journal.analysis.recall import recall_answer
from kratom_journal.analysis.thresholds import OutcomeThreshold

WITHDRAWAL = "withdrawal"


def _meaningful(ctx: JournalContext, meta: OutcomeThreshold, outcome: str) -> float:
    return float(meta.in_units(ctx.table.column(outcome)))


def primary_outcome(
    ctx: JournalContext, family: Family, known: Mapping[str, OutcomeThreshold]
) -> str | None:
    """The first candidate of the family that has been logged (a rule fixed in advance)."""
    for outcome in family.primary_candidates:
        if outcome in known and ctx.table.has(outcome):
            return outcome
    return None


def _family(
    ctx: JournalContext,
    family: Family,
    known: Mapping[str, OutcomeThreshold],
    exposures: Mapping[str, FloatArray],
) -> FamilyReport:
    primary = primary_outcome(ctx, family, known)
    sustained = rebound = None
    explored: list[Answer] = []
    if primary is not None:
        meta = known[primary]
        y = ctx.table.column(primary)
        m = _meaningful(ctx, meta, primary)
        sustained, rebound = dependence_answers(
            ctx, y, primary, family.id, True, m, meta.higher_is_better
        )
        # Each family's own rebound is exploratory: the withdrawal question asks it once, of
        # all the families together (see withdrawal_family).
        explored.append(rebound.with_verdict(rebound.verdict, primary=False))
        rebound = None
        for exposure, values in exposures.items():
            explored.append(
                within_dosed_answer(
                    ctx,
                    y,
                    exposure,
                    values,
                    primary,
                    family.id,
                    m,
                    meta.higher_is_better,
                )
            )
    for outcome in family.outcomes:
        if outcome == primary or outcome not in known or not ctx.table.has(outcome):
            continue
        meta = known[outcome]
        m = _meaningful(ctx, meta, outcome)
        pair = dependence_answers(
            ctx, ctx.table.column(outcome), outcome, family.id, False, m, meta.higher_is_better
        )
        explored.extend(a.with_verdict(a.verdict, kind="exploratory") for a in pair)
    if (
        family.questionnaire
        and family.questionnaire in known
        and ctx.table.has(family.questionnaire)
    ):
        meta = known[family.questionnaire]
        explored.append(
            recall_answer(
                ctx, family.questionnaire, family.id, float(meta.value), meta.higher_is_better
            )
        )
    return FamilyReport(
        family.id, family.label, family.question, primary, sustained, rebound, tuple(explored)
    )


def gather_families(
    ctx: JournalContext, known: Mapping[str, OutcomeThreshold], include_loop: bool
) -> list[FamilyReport]:
    """Every family that has an outcome logged, then the loop and any other outcomes."""
    exposures = exploratory_exposures(ctx)
    reports = []
    for family in FAMILIES:
        report = _family(ctx, family, known, exposures)
        if report.outcome is not None or report.exploratory:
            reports.append(report)
    if include_loop:
        meaningful = {
            o: _meaningful(ctx, known[o], o)
            for o in ("mood_next_day", "quality")
            if o in known and ctx.table.has(o)
        }
        better = {o: known[o].higher_is_better for o in meaningful}
        loop = loop_answers(ctx, meaningful, better)
        if loop:
            reports.append(
                FamilyReport(
                    "mood_sleep_loop",
                    "Mood and sleep",
                    "How sleep and mood follow each other",
                    None,
                    None,
                    None,
                    tuple(loop),
                )
            )
    reports.extend(_others(ctx, known))
    withdrawal = withdrawal_family(ctx, reports, known)
    if withdrawal is not None:
        reports.insert(0, withdrawal)
    return reports


def withdrawal_family(
    ctx: JournalContext, reports: list[FamilyReport], known: Mapping[str, OutcomeThreshold]
) -> FamilyReport | None:
    """The pre-declared withdrawal question: nights just after a skipped dose against nights
    with kratom, on the sleep-and-mood index of every family's primary outcome."""
    outcomes = [
        (f.outcome, known[f.outcome].higher_is_better)
        for f in reports
        if f.outcome is not None and f.id in {family.id for family in FAMILIES}
    ]
    if not outcomes:
        return None
    index, _ = sleep_and_mood_index(ctx.table, outcomes)
    meta = INDEX_THRESHOLD
    _, rebound = dependence_answers(
        ctx, index, INDEX_ID, WITHDRAWAL, True, meta.value, meta.higher_is_better
    )
    return FamilyReport(
        WITHDRAWAL,
        "After a skipped dose",
        "How nights just after a day without kratom compare with nights with it",
        INDEX_ID,
        None,
        rebound,
        (),
    )


def _others(ctx: JournalContext, known: Mapping[str, OutcomeThreshold]) -> list[FamilyReport]:
    """Outcomes outside the five families (for example a caller's own column)."""
    in_families = {o for f in FAMILIES for o in (*f.outcomes, f.questionnaire) if o}
    answers: list[Answer] = []
    for outcome, meta in known.items():
        if outcome in in_families or outcome in LINKED_OUTCOMES or outcome in QUESTIONNAIRES:
            continue
        if not ctx.table.has(outcome):
            continue
        m = _meaningful(ctx, meta, outcome)
        pair = dependence_answers(
            ctx, ctx.table.column(outcome), outcome, "other", False, m, meta.higher_is_better
        )
        answers.extend(a.with_verdict(a.verdict, kind="exploratory") for a in pair)
    if not answers:
        return []
    return [
        FamilyReport(
            "other", "Other outcomes", "Other outcomes you log", None, None, None, tuple(answers)
        )
    ]

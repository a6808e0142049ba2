"""Verdicts for every answer: the primary ones from the sceptical posterior, the exploratory ones
after shrinking them together, and the check against unlogged days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from kratom_journal.analysis.answers import Answer, FamilyReport
from kratom_journal.analysis.composite import sleep_and_mood_index
from kratom_journal.analysis.context import JournalContext
from kratom_journal.analysis.evidence import (
    Verdict,
    days_needed,
    sceptical_posterior,
    three_zone,
)
from kratom_journal.analysis.sensitivity import depends_on_unlogged
from kratom_journal.analysis.shrinkage import shrink


def decide_primary(answer: Answer, days_so_far: int) -> Answer:
    """Posterior, three-zone verdict and days needed of a primary answer."""
    if answer.estimate is None or answer.ci_low is None or answer.ci_high is None:
        return _insufficient(answer, days_so_far)
    posterior = sceptical_posterior(
        answer.estimate, answer.std_error or 0.0, answer.df or 1.0, answer.meaningful
    )
    verdict = three_zone(answer.ci_low, answer.ci_high, posterior, answer.higher_is_better)
    needed = None
    if verdict is Verdict.NOT_CLEAR_YET:
        needed = days_needed(
            answer.estimate, answer.ci_low, answer.ci_high, answer.meaningful, days_so_far
        )
    return answer.with_verdict(verdict, posterior=posterior, days_needed=needed)


def _insufficient(answer: Answer, days_so_far: int) -> Answer:
    del days_so_far  # shortages are already counted in days at the pace of logging so far
    return answer.with_verdict(Verdict.INSUFFICIENT_DATA)


def decide_exploratory(answers: Sequence[Answer], days_so_far: int) -> list[Answer]:
    """Shrink every estimated exploratory answer together, then give each its verdict."""
    estimated = [i for i, a in enumerate(answers) if a.scaled() is not None]
    scaled = [answers[i].scaled() for i in estimated]
    estimates = np.array([s[0] for s in scaled if s is not None])
    std_errors = np.array([(answers[i].std_error or 0.0) * answers[i].scale for i in estimated])
    scales = np.array([answers[i].meaningful for i in estimated])
    shrunk = shrink(estimates, np.abs(std_errors), scales)
    out = [_insufficient(a, days_so_far) if a.scaled() is None else a for a in answers]
    for i, result in zip(estimated, shrunk, strict=True):
        answer = answers[i]
        m = answer.meaningful
        raw = answer.scaled()
        assert raw is not None
        if -m < raw[1] and raw[2] < m and -m < result.low and result.high < m:
            verdict = Verdict.NO_MEANINGFUL_DIFFERENCE
        elif (result.low > 0 or result.high < 0) and abs(result.mean) >= m:
            better = (result.mean > 0) == answer.higher_is_better
            verdict = Verdict.ASSOCIATED_BETTER if better else Verdict.ASSOCIATED_WORSE
        else:
            verdict = Verdict.NOT_CLEAR_YET
        out[i] = answer.with_verdict(verdict, shrunk=result)
    return out


def decide_all(
    ctx: JournalContext,
    families: Sequence[FamilyReport],
    sensitivity: bool,
) -> list[FamilyReport]:
    """Every family with its verdicts (the exploratory set is shrunk across all families)."""
    days = ctx.n_days
    index_outcomes = [
        (f.outcome, f.sustained.higher_is_better)
        for f in families
        if f.sustained is not None and f.outcome is not None
    ]
    index, _ = sleep_and_mood_index(ctx.table, index_outcomes)
    explored = [a for f in families for a in f.exploratory]
    decided = iter(decide_exploratory(explored, days))
    out = []
    for family in families:
        sustained = decide_primary(family.sustained, days) if family.sustained else None
        rebound = decide_primary(family.rebound, days) if family.rebound else None
        exploratory = tuple(next(decided) for _ in family.exploratory)
        if sensitivity and family.outcome:
            y = index if family.rebound is not None else ctx.table.column(family.outcome)
            if sustained is not None:
                sustained = _noted(sustained, depends_on_unlogged(ctx, y, sustained))
            if rebound is not None:
                rebound = _noted(rebound, depends_on_unlogged(ctx, y, rebound))
        out.append(replace(family, sustained=sustained, rebound=rebound, exploratory=exploratory))
    return out


def _noted(answer: Answer, note: str) -> Answer:
    if not note:
        return answer
    return answer.with_verdict(
        answer.verdict, logging_note=f"This answer depends on the days you did not log: {note}."
    )

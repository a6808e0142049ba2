"""Does an answer depend on the days that were not logged?

People log less on some nights than others, often the bad ones, so the unlogged nights are not
a random sample (missing not at random). Nothing in the data can say how they went, so the
answer is recomputed under pessimistic and optimistic assumptions (a delta-adjusted, tipping
point sensitivity analysis):

* nights of logged days whose outcome is missing: filled with the average of logged nights of
  the same kind (dosed, after a skipped dose, break) shifted by the meaningful change in the
  worse and in the better direction;
* days not logged at all: taken as days with kratom, and as days without it, which changes the
  status of the nights after them.

If any of these four changes the verdict, the answer says it depends on the unlogged days.

Reference: National Research Council. The Prevention and Treatment of Missing Data in
Clinical Trials. National Academies Press, 2010, chapter 5. doi:10.17226/12955
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.answers import Answer
from kratom_journal.analysis.context import JournalContext
from kratom_journal.analysis.dependence import night_status
from kratom_journal.analysis.evidence import Verdict, sceptical_posterior, three_zone
from kratom_journal.analysis.questions import dependence_answers

FloatArray = NDArray[np.float64]


def verdict_of(answer: Answer) -> Verdict:
    """The three-zone verdict of an estimated primary answer."""
    if answer.estimate is None or answer.ci_low is None or answer.ci_high is None:
        return Verdict.INSUFFICIENT_DATA
    posterior = sceptical_posterior(
        answer.estimate, answer.std_error or 0.0, answer.df or 1.0, answer.meaningful
    )
    return three_zone(answer.ci_low, answer.ci_high, posterior, answer.higher_is_better)


def _filled(ctx: JournalContext, y: FloatArray, shift: float) -> FloatArray:
    out = y.copy()
    holes = ~np.isfinite(y) & (ctx.status >= 0) & ctx.covariates_known()
    for status in np.unique(ctx.status[holes]):
        same = np.isfinite(y) & (ctx.status == status)
        base = float(np.mean(y[same])) if same.any() else float(np.nanmean(y))
        out[holes & (ctx.status == status)] = base + shift
    return out


def _assumed(ctx: JournalContext, dosed: float) -> JournalContext:
    filled = np.where(np.isfinite(ctx.dosed_day), ctx.dosed_day, dosed)
    if "kratom_before_night" in ctx.table.columns:
        before = ctx.table.column("kratom_before_night")
        before = np.where(np.isfinite(ctx.dosed_day), before, dosed)
    else:
        before = filled
    return replace(ctx, status=night_status(before, filled))


def depends_on_unlogged(ctx: JournalContext, y: FloatArray, answer: Answer) -> str:
    """A note when the answer's verdict changes under one of the four assumptions, else ""."""
    if answer.verdict is Verdict.INSUFFICIENT_DATA:
        return ""
    worse = -answer.meaningful if answer.higher_is_better else answer.meaningful
    scenarios = [
        ("if the nights you did not log were worse", ctx, _filled(ctx, y, worse)),
        ("if the nights you did not log were better", ctx, _filled(ctx, y, -worse)),
        ("if you took kratom on the days you did not log", _assumed(ctx, 1.0), y),
        ("if you took no kratom on the days you did not log", _assumed(ctx, 0.0), y),
    ]
    for text, scenario_ctx, values in scenarios:
        same_status = np.array_equal(scenario_ctx.status, ctx.status)
        if same_status and np.array_equal(values, y, equal_nan=True):
            continue
        sustained, rebound = dependence_answers(
            scenario_ctx,
            values,
            answer.outcome,
            answer.family,
            answer.primary,
            answer.meaningful,
            answer.higher_is_better,
        )
        again = sustained if answer.kind == "sustained_use" else rebound
        changed = verdict_of(again)
        if changed is not answer.verdict:
            return f"{text}, this answer would read {changed.value.replace('_', ' ')}"
    return ""

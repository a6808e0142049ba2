"""PHQ-9 and GAD-7 against the two weeks they ask about, never day by day.

Both questionnaires ask "over the last 2 weeks, how often have you been bothered by ...", so a
score belongs to the 14 journal days ending on the day it was taken, not to the night before.
Each administration is paired with the share of logged days with kratom in those 14 days
(at least ``MIN_LOGGED`` of them logged); the scores, in the order they were taken, are
regressed on that share and a trend with AR(1) errors (Huber loss). The estimate is the
difference in score for 7 more days with kratom out of 14 (a share of 0.5).

References
----------
Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med 2001;16(9):606-613.
doi:10.1046/j.1525-1497.2001.016009606.x

Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for assessing generalized anxiety
disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097. doi:10.1001/archinte.166.10.1092
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.answers import Answer
from kratom_journal.analysis.context import JournalContext
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.robust import fit_huber_ar1

FloatArray = NDArray[np.float64]

RECALL_DAYS = 14
MIN_LOGGED = 10
MIN_ADMINISTRATIONS = 8
EXPOSURE = "kratom_days_share_14d"
SCALE = 0.5
"""Typical change reported: 7 more days with kratom out of 14."""


def recall_exposure(ctx: JournalContext) -> FloatArray:
    """For every day, the share of logged days with kratom in the 14 days ending that day."""
    dosed = ctx.dosed_day
    n = len(dosed)
    out = np.full(n, np.nan)
    for t in range(n):
        window = dosed[max(0, t - RECALL_DAYS + 1) : t + 1]
        logged = window[np.isfinite(window)]
        if t + 1 >= RECALL_DAYS and logged.size >= MIN_LOGGED:
            out[t] = float(np.mean(logged > 0))
    return out


def recall_answer(
    ctx: JournalContext, instrument: str, family: str, meaningful: float, higher_is_better: bool
) -> Answer:
    """The questionnaire score against the share of days with kratom in its two weeks."""
    scores = ctx.table.column(instrument)
    share = recall_exposure(ctx)
    rows = np.isfinite(scores) & np.isfinite(share)
    n_rows = int(rows.sum())
    answer = Answer(
        family=family,
        kind="questionnaire",
        exposure=EXPOSURE,
        outcome=instrument,
        primary=False,
        meaningful=meaningful,
        higher_is_better=higher_is_better,
        n_days=n_rows,
        scale=SCALE,
        days_span=ctx.n_days,
    )
    if n_rows < MIN_ADMINISTRATIONS:
        taken = int(np.sum(np.isfinite(scores)))
        return answer.with_verdict(
            answer.verdict,
            reason=(
                f"{n_rows} of {taken} questionnaires have two logged weeks before them; "
                f"{MIN_ADMINISTRATIONS} are needed"
            ),
            days_needed=(MIN_ADMINISTRATIONS - n_rows) * RECALL_DAYS,
        )
    x_share = share[rows]
    if np.ptp(x_share) == 0:
        return answer.with_verdict(
            answer.verdict, reason="the share of days with kratom never changed"
        )
    order = np.arange(n_rows, dtype=np.int64)
    x = np.column_stack([np.ones(n_rows), x_share, order / max(n_rows - 1, 1)])
    try:
        fit = fit_huber_ar1(
            scores[rows], x, order, ["intercept", "exposure", "trend"], ("exposure",)
        )
    except (AnalysisError, np.linalg.LinAlgError) as exc:
        return answer.with_verdict(answer.verdict, reason=f"the model could not be fitted ({exc})")
    contrast = fit.contrast(np.array([0.0, 1.0, 0.0]))
    low, high = contrast.interval()
    return answer.with_verdict(
        answer.verdict,
        estimate=contrast.estimate,
        ci_low=low,
        ci_high=high,
        std_error=contrast.std_error,
        df=contrast.df,
        p_value=contrast.p_value(),
    )

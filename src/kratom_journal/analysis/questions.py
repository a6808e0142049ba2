"""Fitting the questions: the dependence model of each outcome and the exploratory models.

**Dependence model** (one per outcome): over nights whose status is known,

    y_t = b0 + sum_k g_k [night t is the k-th after a skipped dose] + d [night t is in a break]
          + covariates as logged + weekend + trend + AR(1) error,

fitted with Huber's loss (:mod:`kratom_journal.analysis.robust`). Nights on days with kratom
are the reference, so

* the **sustained-use difference** (dosed nights minus break nights) is ``-d``;
* the **rebound over nights 1..w** is the night-weighted mean of ``g_1 .. g_w``. The window
  ``w`` is scanned over ``1 .. MAX_WINDOW``; the one with the largest standardized difference
  is reported and its interval uses the simultaneous (max-|t|) critical value of all windows
  scanned, so choosing the window is paid for.

**Exploratory models** compare nights on days with kratom with each other (amount, evening
dose, number of doses, 7-OH products, strains, forms) or follow the mood-sleep loop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kratom_journal.analysis.answers import Answer, NotableNight
from kratom_journal.analysis.ar1 import full_column_rank
from kratom_journal.analysis.context import JournalContext
from kratom_journal.analysis.dependence import BREAK, DOSED, MAX_WINDOW
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.robust import RobustFit, fit_huber_ar1

FloatArray = NDArray[np.float64]

MIN_NIGHTS = 21
"""Analysed nights needed before any question is answered."""
MIN_RESIDUAL_DF = 20
"""Analysed nights beyond the number of model terms: below it intervals are not trustworthy."""
MIN_PER_GROUP = 8
"""Nights needed in each group compared (dosed, break)."""
MIN_REBOUND = 5
"""Nights just after a skipped dose needed for the rebound question."""
SCAN_DRAWS = 4000
SCAN_SEED = 20260611
"""Fixed seed of the simultaneous critical value: the same data always give the same answer."""


def more_days(have: int, need: int, days_so_far: int) -> int:
    """Days of logging at the pace so far that would bring ``have`` nights up to ``need``.

    >>> more_days(10, 21, 20)
    22
    """
    if have >= need:
        return 0
    pace = have / days_so_far if days_so_far and have else 0.5
    return math.ceil((need - have) / pace)


def _calendar_columns(ctx: JournalContext) -> dict[str, FloatArray]:
    columns = dict(ctx.covariates)
    columns["weekend"] = ctx.weekend
    columns["trend_per_year"] = ctx.trend
    return columns


def _design(
    leading: Mapping[str, FloatArray], ctx: JournalContext, rows: NDArray[np.bool_]
) -> tuple[FloatArray, list[str]]:
    """Leading columns (always kept) then adjusters that vary and are not collinear."""
    names = list(leading)
    matrix = [np.asarray(leading[k])[rows] for k in names]
    for name, values in _calendar_columns(ctx).items():
        column = values[rows]
        if not np.all(np.isfinite(column)) or np.ptp(column) == 0:
            continue
        trial = np.column_stack([*matrix, column])
        if full_column_rank(trial):
            names.append(name)
            matrix.append(column)
    return np.column_stack(matrix), names


def _base_answer(
    ctx: JournalContext,
    family: str,
    kind: str,
    exposure: str,
    outcome: str,
    primary: bool,
    meaningful: float,
    higher_is_better: bool,
    n_days: int,
) -> Answer:
    return Answer(
        family=family,
        kind=kind,
        exposure=exposure,
        outcome=outcome,
        primary=primary,
        meaningful=meaningful,
        higher_is_better=higher_is_better,
        n_days=n_days,
        days_span=ctx.n_days,
    )


def _unusual(fit: RobustFit, y: FloatArray, day: NDArray[np.int64]) -> tuple[NotableNight, ...]:
    return tuple(NotableNight(int(day[i]), float(y[i])) for i in fit.unusual_rows()[:3])


def dependence_answers(
    ctx: JournalContext,
    y: FloatArray,
    outcome: str,
    family: str,
    primary: bool,
    meaningful: float,
    higher_is_better: bool,
) -> tuple[Answer, Answer]:
    """The sustained-use and after-skipped-dose answers for one outcome (one fit)."""
    rows = np.isfinite(y) & (ctx.status >= 0) & ctx.covariates_known()
    n_rows = int(rows.sum())
    counts = {k: int(np.sum(rows & (ctx.status == k))) for k in range(BREAK + 1)}
    named = {"dosed": counts[DOSED], "break": counts[BREAK]}
    named.update({f"night_{k}": counts[k] for k in range(1, MAX_WINDOW + 1)})
    args = (ctx, family)
    sustained = _base_answer(
        *args,
        "sustained_use",
        "sustained_use",
        outcome,
        primary,
        meaningful,
        higher_is_better,
        n_rows,
    )
    rebound = _base_answer(
        *args,
        "after_skipped_dose",
        "after_skipped_dose",
        outcome,
        primary,
        meaningful,
        higher_is_better,
        n_rows,
    )
    sustained = _with_counts(sustained, named)
    rebound = _with_counts(rebound, named)
    problem = _shortage(n_rows, ctx.n_days)
    if problem and problem[0] == "all":
        return sustained.with_verdict(
            sustained.verdict, reason=problem[1], days_needed=problem[2]
        ), (rebound.with_verdict(rebound.verdict, reason=problem[1], days_needed=problem[2]))
    leading: dict[str, FloatArray] = {"intercept": np.ones(ctx.n_days)}
    for k in range(1, MAX_WINDOW + 1):
        if counts[k] > 0:
            leading[f"night_{k}"] = (ctx.status == k).astype(np.float64)
    if counts[BREAK] > 0:
        leading["break"] = (ctx.status == BREAK).astype(np.float64)
    x, names = _design(leading, ctx, rows)
    if n_rows - x.shape[1] < MIN_RESIDUAL_DF:
        more = more_days(n_rows, n_rows + MIN_RESIDUAL_DF - (n_rows - x.shape[1]), ctx.n_days)
        reason = f"{n_rows} nights can be compared so far, {more} too few for this model"
        return sustained.with_verdict(sustained.verdict, reason=reason, days_needed=more), (
            rebound.with_verdict(rebound.verdict, reason=reason, days_needed=more)
        )
    try:
        fit = fit_huber_ar1(y[rows], x, ctx.table.day[rows], names, only=("intercept",))
    except (AnalysisError, np.linalg.LinAlgError) as exc:
        reason = f"the model could not be fitted ({exc})"
        return sustained.with_verdict(sustained.verdict, reason=reason), rebound.with_verdict(
            rebound.verdict, reason=reason
        )
    unusual = _unusual(fit, y[rows], ctx.table.day[rows])
    sustained = _sustained(sustained, fit, names, counts, unusual)
    rebound = _rebound(rebound, fit, names, counts, unusual)
    return sustained, rebound


def _with_counts(answer: Answer, counts: dict[str, int]) -> Answer:
    return answer.with_verdict(answer.verdict, counts=dict(counts))


def _shortage(n_rows: int, days_so_far: int) -> tuple[str, str, int] | None:
    if n_rows < MIN_NIGHTS:
        more = more_days(n_rows, MIN_NIGHTS, days_so_far)
        return "all", f"{n_rows} nights can be compared so far; {MIN_NIGHTS} are needed", more
    return None


def _sustained(
    answer: Answer,
    fit: RobustFit,
    names: list[str],
    counts: Mapping[int, int],
    unusual: tuple[NotableNight, ...],
) -> Answer:
    if counts[DOSED] < MIN_PER_GROUP:
        return answer.with_verdict(
            answer.verdict,
            reason=f"{counts[DOSED]} nights on days with kratom; {MIN_PER_GROUP} are needed",
            days_needed=None,
        )
    if counts[BREAK] < MIN_PER_GROUP or "break" not in names:
        return answer.with_verdict(
            answer.verdict,
            reason=(
                f"{counts[BREAK]} nights from a break of {MAX_WINDOW + 1} or more days without "
                f"kratom; {MIN_PER_GROUP} are needed"
            ),
            days_needed=None,
        )
    weights = np.zeros(len(names))
    weights[names.index("break")] = -1.0
    contrast = fit.contrast(weights)
    low, high = contrast.interval()
    return answer.with_verdict(
        answer.verdict,
        estimate=contrast.estimate,
        ci_low=low,
        ci_high=high,
        std_error=contrast.std_error,
        df=contrast.df,
        p_value=contrast.p_value(),
        unusual=unusual,
        ordinary_estimate=fit.ordinary(weights),
    )


def _rebound(
    answer: Answer,
    fit: RobustFit,
    names: list[str],
    counts: Mapping[int, int],
    unusual: tuple[NotableNight, ...],
) -> Answer:
    windows: list[tuple[int, FloatArray]] = []
    for w in range(1, MAX_WINDOW + 1):
        if f"night_{w}" not in names:
            break
        total = sum(counts[k] for k in range(1, w + 1))
        weights = np.zeros(len(names))
        for k in range(1, w + 1):
            weights[names.index(f"night_{k}")] = counts[k] / total
        windows.append((w, weights))
    nights_1 = counts[1]
    if nights_1 < MIN_REBOUND or counts[DOSED] < MIN_PER_GROUP:
        return answer.with_verdict(
            answer.verdict,
            reason=(
                f"{nights_1} nights just after a day without kratom and {counts[DOSED]} on days "
                f"with it; {MIN_REBOUND} and {MIN_PER_GROUP} are needed"
            ),
        )
    windows = [(w, v) for w, v in windows if sum(counts[k] for k in range(1, w + 1)) >= MIN_REBOUND]
    contrasts = [fit.contrast(v) for _, v in windows]
    matrix = np.array([v for _, v in windows])
    critical, adjusted_p, best = _scan(fit, matrix, contrasts)
    chosen = contrasts[best]
    scale = critical / float(special.ndtri(0.975))
    widened = chosen.std_error * scale
    half = _t(chosen.df) * widened
    return answer.with_verdict(
        answer.verdict,
        estimate=chosen.estimate,
        ci_low=chosen.estimate - half,
        ci_high=chosen.estimate + half,
        std_error=widened,
        df=chosen.df,
        p_value=adjusted_p,
        window=windows[best][0],
        windows_scanned=len(windows),
        unusual=unusual,
        ordinary_estimate=fit.ordinary(windows[best][1]),
    )


def _t(df: float) -> float:
    return float(special.stdtrit(df, 0.975)) if math.isfinite(df) else 1.959963984540054


def _scan(
    fit: RobustFit, matrix: FloatArray, contrasts: Sequence[object]
) -> tuple[float, float, int]:
    """Simultaneous 95 % critical value (normal scale), adjusted p of the best window, its index."""
    from kratom_journal.analysis.ar1 import Contrast

    typed = [c for c in contrasts if isinstance(c, Contrast)]
    t_values = np.array([c.estimate / c.std_error if c.std_error > 0 else 0.0 for c in typed])
    # Each window's t statistic, put on the normal scale through its own p-value.
    z_values = np.array([float(special.ndtri(1.0 - c.p_value() / 2.0)) for c in typed])
    best = int(np.argmax(np.abs(t_values)))
    if len(typed) == 1:
        return float(special.ndtri(0.975)), typed[0].p_value(), 0
    assert fit.fit.terms is not None
    cov = fit.fit.terms.covariance(matrix)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    rng = np.random.default_rng(SCAN_SEED)
    chol = np.linalg.cholesky(corr + 1e-12 * np.eye(len(typed)))
    draws = np.abs(rng.standard_normal((SCAN_DRAWS, len(typed))) @ chol.T).max(axis=1)
    critical = float(np.quantile(draws, 0.95))
    adjusted = (1.0 + float(np.sum(draws >= z_values[best]))) / (1.0 + SCAN_DRAWS)
    return critical, min(adjusted, 1.0), best

"""Exploratory comparisons: among nights on days with kratom, and the mood-sleep loop.

Comparing nights on days with kratom with each other (more or less of it, an evening dose or
not, one strain or another) keeps the withdrawal question out of these comparisons: every
night compared had kratom that day. Exposures that copy or mirror another one (the same
column, or its complement, as with two strains) are tested once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.answers import Answer
from kratom_journal.analysis.context import JournalContext
from kratom_journal.analysis.dependence import BREAK, DOSED, MAX_WINDOW
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.questions import (
    MIN_NIGHTS,
    MIN_RESIDUAL_DF,
    _base_answer,
    _design,
    _unusual,
    more_days,
)
from kratom_journal.analysis.robust import fit_huber_ar1

FloatArray = NDArray[np.float64]

WITHIN_DOSED = (
    "daily_kratom_grams",
    "evening_kratom",
    "evening_kratom_grams",
    "doses_per_day",
    "seven_oh",
)
"""Exposures compared among nights on days with kratom, in order of precedence."""

BINARY = {"evening_kratom", "seven_oh"}
MIN_PER_LEVEL = 7
DUPLICATE_CORRELATION = 0.98


def exploratory_exposures(ctx: JournalContext) -> dict[str, FloatArray]:
    """The deduplicated exposures among dosed nights (a copy or mirror of an earlier one is
    dropped)."""
    table = ctx.table
    dosed = ctx.status == DOSED
    candidates: dict[str, FloatArray] = {}
    for name in WITHIN_DOSED:
        if name in table.columns:
            candidates[name] = table.column(name)
    for name in sorted(table.columns):
        if name.startswith(("strain_", "form_")):
            candidates[name] = table.column(name)
    kept: dict[str, FloatArray] = {}
    for name, values in candidates.items():
        rows = dosed & np.isfinite(values)
        if _duplicates(values, rows, kept):
            continue
        kept[name] = values
    return kept


def _duplicates(
    values: FloatArray, rows: NDArray[np.bool_], kept: Mapping[str, FloatArray]
) -> bool:
    for other in kept.values():
        both = rows & np.isfinite(other)
        if both.sum() < 3:
            continue
        a, b = values[both], other[both]
        if np.ptp(a) == 0 or np.ptp(b) == 0:
            if np.ptp(a) == 0 and np.ptp(b) == 0:
                return True
            continue
        if abs(float(np.corrcoef(a, b)[0, 1])) >= DUPLICATE_CORRELATION:
            return True
    return False


def is_binary(name: str) -> bool:
    """Exposures compared as two groups rather than per unit."""
    return name in BINARY or name.startswith(("strain_", "form_"))


def within_dosed_answer(
    ctx: JournalContext,
    y: FloatArray,
    exposure: str,
    values: FloatArray,
    outcome: str,
    family: str,
    meaningful: float,
    higher_is_better: bool,
) -> Answer:
    """One exposure among nights on days with kratom, adjusted like the primary model."""
    rows = np.isfinite(y) & np.isfinite(values) & (ctx.status == DOSED) & ctx.covariates_known()
    n_rows = int(rows.sum())
    answer = _base_answer(
        ctx, family, "exploratory", exposure, outcome, False, meaningful, higher_is_better, n_rows
    )
    label = exposure.replace("_", " ")
    if n_rows < MIN_NIGHTS:
        return answer.with_verdict(
            answer.verdict,
            reason=f"{n_rows} nights with kratom can be compared; {MIN_NIGHTS} are needed",
            days_needed=more_days(n_rows, MIN_NIGHTS, ctx.n_days),
        )
    x = values[rows]
    if np.ptp(x) == 0:
        return answer.with_verdict(answer.verdict, reason=f"{label} never changed")
    binary = is_binary(exposure)
    if binary:
        low = int(np.sum(x <= 0))
        high = int(np.sum(x > 0))
        if min(low, high) < MIN_PER_LEVEL:
            return answer.with_verdict(
                answer.verdict,
                reason=f"{min(low, high)} nights on one side; {MIN_PER_LEVEL} are needed",
            )
        scale = 1.0
    else:
        q25, q75 = np.percentile(x, [25, 75])
        scale = float(q75 - q25) or float(np.std(x, ddof=1))
        if len(np.unique(x)) < 3 or scale <= 0:
            return answer.with_verdict(answer.verdict, reason=f"{label} barely changed")
    return _fit(ctx, answer, y, {"exposure": values}, rows, scale)


def _fit(
    ctx: JournalContext,
    answer: Answer,
    y: FloatArray,
    leading_extra: Mapping[str, FloatArray],
    rows: NDArray[np.bool_],
    scale: float,
    extra_leading_first: Mapping[str, FloatArray] | None = None,
) -> Answer:
    leading: dict[str, FloatArray] = {"intercept": np.ones(ctx.n_days)}
    leading.update(leading_extra)
    leading.update(extra_leading_first or {})
    x, names = _design(leading, ctx, rows)
    if int(rows.sum()) - x.shape[1] < MIN_RESIDUAL_DF:
        return answer.with_verdict(answer.verdict, reason="too few nights for this model yet")
    try:
        fit = fit_huber_ar1(y[rows], x, ctx.table.day[rows], names, only=("exposure",))
    except (AnalysisError, np.linalg.LinAlgError) as exc:
        return answer.with_verdict(answer.verdict, reason=f"the model could not be fitted ({exc})")
    weights = np.zeros(len(names))
    weights[names.index("exposure")] = 1.0
    contrast = fit.contrast(weights)
    low, high = contrast.interval()
    if not all(np.isfinite((contrast.estimate, low, high))):
        return answer.with_verdict(answer.verdict, reason="the model could not be fitted")
    return answer.with_verdict(
        answer.verdict,
        estimate=contrast.estimate,
        ci_low=low,
        ci_high=high,
        std_error=contrast.std_error,
        df=contrast.df,
        p_value=contrast.p_value(),
        scale=scale,
        unusual=_unusual(fit, y[rows], ctx.table.day[rows]),
        ordinary_estimate=fit.ordinary(weights),
    )


SLEEP_TO_MOOD = ("sleep_quality_last_night", "mood_next_day")
MOOD_TO_SLEEP = ("mood_today", "quality")


def loop_answers(
    ctx: JournalContext, meaningful: Mapping[str, float], better: Mapping[str, bool]
) -> list[Answer]:
    """The two cross-lagged mood-sleep paths, adjusted for the night status.

    ``sleep_quality_last_night -> mood_next_day`` adjusts for the same day's mood;
    ``mood_today -> quality`` for the previous night's quality. Each path is per one rating
    point and uses the typical change (interquartile range) of its exposure for the verdict.
    """
    table = ctx.table
    out: list[Answer] = []
    quality = table.column("quality")
    mood = table.column("mood")
    status = {f"night_{k}": (ctx.status == k).astype(np.float64) for k in range(1, MAX_WINDOW + 1)}
    status["break"] = (ctx.status == BREAK).astype(np.float64)
    paths = (
        (SLEEP_TO_MOOD, quality, table.column("mood_next_day"), {"mood_same_day": mood}),
        (MOOD_TO_SLEEP, mood, quality, {"quality_previous_night": _previous(quality, ctx)}),
    )
    for (exposure, outcome), x, y, adjust in paths:
        if outcome not in meaningful or not (
            table.has(exposure_source(exposure)) and table.has(outcome)
        ):
            continue
        rows = np.isfinite(x) & np.isfinite(y) & (ctx.status >= 0) & ctx.covariates_known()
        for values in adjust.values():
            rows &= np.isfinite(values)
        n_rows = int(rows.sum())
        answer = _base_answer(
            ctx,
            "mood_sleep_loop",
            "mood_sleep_loop",
            exposure,
            outcome,
            False,
            meaningful[outcome],
            better[outcome],
            n_rows,
        )
        if n_rows < MIN_NIGHTS or np.ptp(x[rows]) == 0:
            out.append(
                answer.with_verdict(
                    answer.verdict,
                    reason=f"{n_rows} days have both ratings; {MIN_NIGHTS} are needed",
                    days_needed=more_days(n_rows, MIN_NIGHTS, ctx.n_days),
                )
            )
            continue
        q25, q75 = np.percentile(x[rows], [25, 75])
        scale = float(q75 - q25) or float(np.std(x[rows], ddof=1)) or 1.0
        present = {k: v for k, v in status.items() if np.any(v[rows] > 0)}
        out.append(_fit(ctx, answer, y, {"exposure": x, **adjust}, rows, scale, present))
    return out


def exposure_source(exposure: str) -> str:
    """The day-table column a loop exposure is read from."""
    return {"sleep_quality_last_night": "quality", "mood_today": "mood"}.get(exposure, exposure)


def _previous(values: FloatArray, ctx: JournalContext) -> FloatArray:
    out = np.full(len(values), np.nan)
    day = ctx.table.day
    index = np.searchsorted(day, day - 1)
    clipped = np.minimum(index, len(day) - 1)
    found = (index < len(day)) & (day[clipped] == day - 1)
    out[found] = values[clipped[found]]
    return out

"""The previous insight engine, kept unchanged for comparison in the validation bench.

It treats unlogged days as days without kratom, leaves out a fixed window of two nights after
three or more days with kratom, tests every exposure-outcome pair with an ordinary AR(1)
regression and adjusts them together with Benjamini-Hochberg. Nothing in the product uses it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.ar1 import METHOD_NAME, fit_ar1_regression, full_column_rank
from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.multiplicity import benjamini_hochberg
from kratom_journal.analysis.simulate import possible_withdrawal_nights
from kratom_journal.analysis.thresholds import OutcomeThreshold, load_thresholds


def is_regular_user(kratom_day: NDArray[np.float64], share: float = 0.5) -> bool:
    """True when kratom was taken on at least ``share`` of the days."""
    took = np.nan_to_num(np.asarray(kratom_day, dtype=np.float64)) > 0
    return bool(len(took) and took.mean() >= share)


FloatArray = NDArray[np.float64]

MIN_DAYS_PER_LEVEL = 14
"""Days needed at each exposure level (with and without; or below and above the median)."""

Q_LEVEL = 0.05
"""False discovery rate at which an association is reported."""

COVARIATES: tuple[str, ...] = ("caffeine_after_14", "alcohol", "other_substances")
"""Logged covariates adjusted for, besides weekend, trend and the previous night's exposure."""


class Verdict(StrEnum):
    """What one test can say."""

    INSUFFICIENT_DATA = "insufficient_data"
    NO_CLEAR_ASSOCIATION = "no_clear_association"
    ASSOCIATED_BETTER = "associated_better"
    ASSOCIATED_WORSE = "associated_worse"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class ExposureInfo:
    """How an exposure is named in sentences; ``binary`` exposures compare two groups."""

    label: str
    binary: bool
    with_phrase: str = ""
    without_phrase: str = ""
    unit: str = ""
    per_phrase: str = ""


BASE_EXPOSURES: dict[str, ExposureInfo] = {
    "evening_kratom": ExposureInfo(
        "evening kratom", True, "nights with evening kratom", "nights without"
    ),
    "evening_kratom_grams": ExposureInfo(
        "grams of evening kratom", False, unit="g", per_phrase="gram of evening kratom"
    ),
    "daily_kratom_grams": ExposureInfo(
        "grams of kratom in the day", False, unit="g", per_phrase="gram of kratom in the day"
    ),
    "doses_per_day": ExposureInfo(
        "kratom doses in the day", False, unit="dose", per_phrase="kratom dose in the day"
    ),
    "seven_oh": ExposureInfo("7-OH products", True, "days with a 7-OH product", "days without"),
}
"""Exposure ids always considered, in display order."""

SLEEP_TO_MOOD = ("sleep_quality_last_night", "mood_next_day")
MOOD_TO_SLEEP = ("mood_today", "quality")
"""The two paths of the cross-lagged mood-sleep model, as (exposure id, outcome id)."""


@dataclass(frozen=True, slots=True)
class InsightResult:
    """One exposure-outcome test. Fields mirror the documented output exactly."""

    exposure: str
    outcome: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None
    n_days: int
    method: str
    verdict: Verdict
    sentence: str
    days_needed: int = 0
    family: str = "exposure"

    def summary(self) -> str:
        """The plain-language sentence."""
        return self.sentence

    def as_dict(self) -> dict[str, object]:
        """Output record; missing numbers are ``None`` (never NaN)."""
        return {
            "exposure": self.exposure,
            "outcome": self.outcome,
            "estimate": _clean(self.estimate),
            "ci_low": _clean(self.ci_low),
            "ci_high": _clean(self.ci_high),
            "p_value": _clean(self.p_value),
            "q_value": _clean(self.q_value),
            "n_days": self.n_days,
            "method": self.method,
            "verdict": self.verdict.value,
            "sentence": self.sentence,
        }


@dataclass(frozen=True, slots=True)
class WithdrawalSummary:
    """Possible withdrawal nights, reported apart from the comparisons."""

    regular_user: bool
    n_flagged: int
    outcome_means: Mapping[str, tuple[float | None, float | None, float | None]] = field(
        default_factory=dict
    )
    """outcome -> (mean on flagged nights, other kratom-free nights, kratom nights)."""

    def summary(self) -> str:
        """Plain sentence about the flagged nights."""
        if self.n_flagged == 0:
            return "No nights looked like possible withdrawal nights."
        who = "You took kratom on most days. " if self.regular_user else ""
        return (
            f"{who}{self.n_flagged} night(s) were the first or second night without kratom after "
            "three or more days in a row with it. Sleep and mood on those nights may reflect "
            "withdrawal, so they are left out of the comparisons and shown on their own."
        )

    def details(self) -> list[str]:
        """One line per outcome: averages on flagged, other kratom-free and kratom nights."""
        if self.n_flagged == 0:
            return []
        labels = load_thresholds().outcomes
        lines = []
        for outcome, (flagged, other, kratom) in self.outcome_means.items():
            if flagged is None:
                continue
            label = labels[outcome].label if outcome in labels else outcome
            parts = [f"{_num(flagged)} on possible withdrawal nights"]
            if other is not None:
                parts.append(f"{_num(other)} on other nights without kratom")
            if kratom is not None:
                parts.append(f"{_num(kratom)} on nights with kratom")
            lines.append(f"{label.capitalize()}: average " + ", ".join(parts) + ".")
        return lines


@dataclass(frozen=True, slots=True)
class InsightReport:
    """Every test shown, adjusted together, plus the withdrawal summary."""

    results: tuple[InsightResult, ...]
    withdrawal: WithdrawalSummary
    n_tests: int

    def summary(self) -> str:
        """All sentences, one per line."""
        lines = [r.sentence for r in self.results]
        lines.append(self.withdrawal.summary())
        return "\n".join(lines)

    def any_association(self) -> bool:
        """True when any verdict is associated_better or associated_worse."""
        return any(
            r.verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE) for r in self.results
        )


def _clean(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def snake_id(prefix: str, key: str) -> str:
    """Stable snake_case id such as ``strain_red_bali`` from a grouping key."""
    text = re.sub(r"[^a-z0-9]+", "_", key.casefold()).strip("_")
    return f"{prefix}_{text or 'unnamed'}"


def exposure_info(exposure: str) -> ExposureInfo:
    """Display information of an exposure id (strain_* and form_* included)."""
    if exposure in BASE_EXPOSURES:
        return BASE_EXPOSURES[exposure]
    for prefix, word in (("strain_", "strain"), ("form_", "form")):
        if exposure.startswith(prefix):
            name = exposure[len(prefix) :].replace("_", " ")
            return ExposureInfo(
                f"{word} {name}",
                True,
                f"kratom nights with {word} {name}",
                f"kratom nights with another {word}",
            )
    if exposure == SLEEP_TO_MOOD[0]:
        return ExposureInfo(
            "last night's sleep quality",
            False,
            unit="point",
            per_phrase="point of last night's sleep quality",
        )
    if exposure == MOOD_TO_SLEEP[0]:
        return ExposureInfo(
            "the day's mood rating",
            False,
            unit="point",
            per_phrase="point of the day's mood rating",
        )
    return ExposureInfo(exposure.replace("_", " "), False)


# ---------------------------------------------------------------------------------------------
# one test


@dataclass(frozen=True, slots=True)
class RawAssociation:
    """One fitted (or refused) association before the multiplicity step."""

    exposure: str
    outcome: str
    family: str
    n_days: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    contrast: float = 1.0
    days_needed: int = 0
    reason: str = ""

    def summary(self) -> str:
        """Estimate and interval, or why there is none."""
        if self.estimate is None:
            return f"{self.exposure} -> {self.outcome}: no estimate ({self.reason})"
        return (
            f"{self.exposure} -> {self.outcome}: {self.estimate:.3g} "
            f"({self.ci_low:.3g} to {self.ci_high:.3g}), p = {self.p_value:.3g}"
        )


def _previous_day_index(day: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Row of the previous calendar day for every row, and whether that day is in the table."""
    pos = np.searchsorted(day, day - 1)
    clipped = np.minimum(pos, len(day) - 1)
    found = (pos < len(day)) & (day[clipped] == day - 1)
    return clipped, found


def _lag(values: FloatArray, day: NDArray[np.int64]) -> FloatArray:
    """Exposure on the previous calendar day (0 when not logged, NaN for the first day)."""
    index, found = _previous_day_index(day)
    out = np.where(found, np.nan_to_num(values[index]), 0.0)
    if len(out):
        out[0] = np.nan
    return np.asarray(out, dtype=np.float64)


def _previous(values: FloatArray, day: NDArray[np.int64]) -> FloatArray:
    """Value on the previous calendar day, NaN when that day has none."""
    index, found = _previous_day_index(day)
    return np.asarray(np.where(found, values[index], np.nan), dtype=np.float64)


def _level_counts(x: FloatArray, binary: bool) -> tuple[int, int, str, str]:
    if binary:
        return int(np.sum(x > 0)), int(np.sum(x <= 0)), "with", "without"
    median = float(np.median(x))
    return int(np.sum(x > median)), int(np.sum(x <= median)), "above usual", "at or below usual"


def _design(
    table: DayTable, exposure: FloatArray, extra: Mapping[str, FloatArray], rows: NDArray[np.bool_]
) -> tuple[FloatArray, list[str]]:
    n = table.n_days
    columns: dict[str, FloatArray] = {
        "intercept": np.ones(n),
        "exposure": exposure,
        "previous_night_exposure": _lag(exposure, table.day),
        "weekend": np.isin(table.weekday, (4, 5)).astype(np.float64),
        "trend_per_year": (table.day - table.day[0]) / 365.25,
    }
    for name in COVARIATES:
        columns[name] = np.nan_to_num(table.column(name))
    columns.update(extra)
    names = list(columns)
    matrix = np.column_stack([columns[k][rows] for k in names])
    keep = [0, 1]
    # Covariates that never vary, or duplicate others, cannot be estimated: drop them.
    for j in range(2, len(names)):
        trial = keep + [j]
        col = matrix[:, j]
        if np.all(np.isfinite(col)) and np.ptp(col) > 0 and full_column_rank(matrix[:, trial]):
            keep = trial
    return matrix[:, keep], [names[k] for k in keep]


def _test_one(
    table: DayTable,
    exposure_id: str,
    outcome_id: str,
    exposure: FloatArray,
    outcome: FloatArray,
    excluded: NDArray[np.bool_],
    family: str = "exposure",
    extra: Mapping[str, FloatArray] | None = None,
    min_days: int = MIN_DAYS_PER_LEVEL,
) -> RawAssociation:
    info = exposure_info(exposure_id)
    extra = extra or {}
    lagged = _lag(exposure, table.day)
    rows = np.isfinite(outcome) & np.isfinite(exposure) & ~excluded & np.isfinite(lagged)
    for values in extra.values():
        rows &= np.isfinite(values)
    n_rows = int(rows.sum())
    if n_rows == 0:
        return RawAssociation(
            exposure_id,
            outcome_id,
            family,
            0,
            days_needed=2 * min_days,
            reason="no days have both values",
        )
    x = exposure[rows]
    if np.ptp(x) == 0:
        return RawAssociation(
            exposure_id,
            outcome_id,
            family,
            n_rows,
            days_needed=min_days,
            reason=f"{info.label} never changed",
        )
    high, low, high_word, low_word = _level_counts(x, info.binary)
    if min(high, low) < min_days:
        needed = min_days - min(high, low)
        side = high_word if high < low else low_word
        return RawAssociation(
            exposure_id,
            outcome_id,
            family,
            n_rows,
            days_needed=needed,
            reason=f"{needed} more day(s) {side} {info.label} needed",
        )
    if np.ptp(outcome[rows]) == 0:
        return RawAssociation(
            exposure_id,
            outcome_id,
            family,
            n_rows,
            days_needed=0,
            reason="the outcome never changed",
        )
    matrix, names = _design(table, exposure, extra, rows)
    try:
        fit = fit_ar1_regression(outcome[rows], matrix, table.day[rows], names)
    except (AnalysisError, np.linalg.LinAlgError) as exc:
        return RawAssociation(exposure_id, outcome_id, family, n_rows, reason=str(exc))
    coef = fit.coefficient("exposure")
    if not all(math.isfinite(v) for v in (coef.estimate, coef.ci_low, coef.ci_high, coef.p_value)):
        return RawAssociation(
            exposure_id, outcome_id, family, n_rows, reason="the model could not be fitted"
        )
    contrast = 1.0
    if not info.binary:
        q25, q75 = np.percentile(x, [25, 75])
        contrast = float(q75 - q25) or float(np.std(x, ddof=1))
    return RawAssociation(
        exposure_id,
        outcome_id,
        family,
        n_rows,
        coef.estimate,
        coef.ci_low,
        coef.ci_high,
        coef.p_value,
        contrast,
    )


def association(
    table: DayTable, exposure: str, outcome: str, min_days: int = MIN_DAYS_PER_LEVEL
) -> RawAssociation:
    """One adjusted association with possible withdrawal nights left out, before any BH step."""
    flags = possible_withdrawal_nights(_kratom_days(table))
    return _test_one(
        table,
        exposure,
        outcome,
        table.column(exposure),
        table.column(outcome),
        flags,
        min_days=min_days,
    )


# ---------------------------------------------------------------------------------------------
# verdicts and language


def decide(
    estimate: float,
    ci_low: float,
    ci_high: float,
    q_value: float,
    threshold: float,
    higher_is_better: bool,
    contrast: float = 1.0,
) -> Verdict:
    """Verdict for one test.

    An association is reported when its Benjamini-Hochberg q-value is at most 0.05; otherwise
    the result is ``inconclusive`` when the interval (scaled to a typical exposure change,
    ``contrast``) reaches both a meaningful benefit and a meaningful harm, and
    ``no_clear_association`` when it does not.
    """
    if q_value <= Q_LEVEL and (ci_low > 0 or ci_high < 0):
        better = (estimate > 0) == higher_is_better
        return Verdict.ASSOCIATED_BETTER if better else Verdict.ASSOCIATED_WORSE
    low, high = ci_low * contrast, ci_high * contrast
    if low <= -threshold and high >= threshold:
        return Verdict.INCONCLUSIVE
    return Verdict.NO_CLEAR_ASSOCIATION


def _num(value: float) -> str:
    text = f"{value:.1f}" if abs(value) >= 1 else f"{value:.2f}"
    return text.replace("-", "\u2212")


_REMINDER = (
    "This is an association in your own records, not proof that one leads to the other: "
    "days differ in many ways you did not log."
)


def sentence_for(
    raw: RawAssociation,
    verdict: Verdict,
    meta: OutcomeThreshold,
    threshold: float,
    q_value: float | None,
) -> str:
    """One or two plain sentences with the numbers and the interval."""
    info = exposure_info(raw.exposure)
    outcome = meta.label
    unit = (
        f" {meta.unit}"
        if meta.unit not in ("", "points")
        else (" points" if meta.unit == "points" else "")
    )
    if (
        verdict is Verdict.INSUFFICIENT_DATA
        or raw.estimate is None
        or raw.ci_low is None
        or raw.ci_high is None
    ):
        return (
            f"{info.label.capitalize()} and {outcome}: not enough data yet "
            f"({raw.reason}; {MIN_DAYS_PER_LEVEL} days are needed at each level)."
        )
    numbers = (
        f"{_num(raw.estimate)}{unit} (95% CI {_num(raw.ci_low)} to "
        f"{_num(raw.ci_high)}{unit}; {raw.n_days} days)"
    )
    if info.binary:
        first = (
            f"On {info.with_phrase}, {outcome} differed by {numbers} compared with "
            f"{info.without_phrase}."
        )
    else:
        first = f"For each additional {info.per_phrase}, {outcome} differed by {numbers}."
    if verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE):
        word = "better" if verdict is Verdict.ASSOCIATED_BETTER else "worse"
        direction = "lower" if raw.estimate < 0 else "higher"
        return (
            f"{first} In your data this is associated with {direction} {outcome}, which "
            f"counts as {word} (q = {q_value:.3f} after adjusting for every test shown). "
            f"{_REMINDER}"
        )
    if verdict is Verdict.INCONCLUSIVE:
        return (
            f"{first} Inconclusive: the interval includes both a meaningful improvement and "
            f"a meaningful worsening ({_num(threshold)}{unit}), so your data cannot tell yet."
        )
    return (
        f"{first} No clear association: no difference stands out once every test shown "
        "is accounted for."
    )


# ---------------------------------------------------------------------------------------------
# the whole report


def _exposures(table: DayTable) -> dict[str, FloatArray]:
    found: dict[str, FloatArray] = {}
    for name in BASE_EXPOSURES:
        if name in table.columns:
            found[name] = table.column(name)
    for name in sorted(table.columns):
        if name.startswith(("strain_", "form_")):
            found[name] = table.column(name)
    return found


def _kratom_days(table: DayTable) -> FloatArray:
    if "doses_per_day" in table.columns:
        return np.nan_to_num(table.column("doses_per_day"))
    return np.nan_to_num(table.column("evening_kratom"))


def _withdrawal_summary(
    table: DayTable, flags: NDArray[np.bool_], outcomes: Sequence[str]
) -> WithdrawalSummary:
    kratom = _kratom_days(table) > 0
    means: dict[str, tuple[float | None, float | None, float | None]] = {}
    for name in outcomes:
        y = table.column(name)
        groups = (flags, ~flags & ~kratom, kratom)
        values = []
        for g in groups:
            v = y[g & np.isfinite(y)]
            values.append(float(v.mean()) if v.size else None)
        means[name] = (values[0], values[1], values[2])
    return WithdrawalSummary(is_regular_user(kratom.astype(float)), int(flags.sum()), means)


def analyze(
    table: DayTable,
    outcomes: Sequence[str] | None = None,
    extra_outcomes: Mapping[str, OutcomeThreshold] | None = None,
    min_days: int = MIN_DAYS_PER_LEVEL,
    include_mood_sleep_loop: bool = True,
) -> InsightReport:
    """Run every exposure-outcome test the table supports and adjust them together.

    Parameters
    ----------
    table : DayTable
        One row per journal day; see ``docs/analysis.md`` for column ids.
    outcomes : optional list of outcome ids to restrict to
    extra_outcomes : thresholds for outcome columns not in the shipped data file
    min_days : days needed at each exposure level
    include_mood_sleep_loop : add the two cross-lagged mood-sleep paths

    Returns
    -------
    InsightReport
    """
    known = dict(load_thresholds().outcomes)
    known.update(extra_outcomes or {})
    wanted = list(outcomes) if outcomes is not None else list(known)
    unknown = [o for o in wanted if o not in known]
    if unknown:
        raise AnalysisError(
            f"unknown outcome {unknown[0]!r}; expected one of {', '.join(sorted(known))}"
        )
    present = [o for o in wanted if table.has(o)]
    if not present and outcomes is not None:
        raise AnalysisError(f"no values logged yet for {', '.join(wanted)}")
    if not present:
        raise AnalysisError("no outcome has been logged yet: add sleep diary or mood entries")
    if table.n_days < 2:
        raise AnalysisError("the journal has fewer than two days of entries")
    flags = possible_withdrawal_nights(_kratom_days(table))

    raws: list[RawAssociation] = []
    for exposure_id, exposure in _exposures(table).items():
        for outcome_id in present:
            raws.append(
                _test_one(
                    table,
                    exposure_id,
                    outcome_id,
                    exposure,
                    table.column(outcome_id),
                    flags,
                    min_days=min_days,
                )
            )
    if include_mood_sleep_loop:
        raws.extend(_mood_sleep_loop(table, flags, present, min_days))

    shown = [i for i, r in enumerate(raws) if r.p_value is not None]
    q_values = benjamini_hochberg([raws[i].p_value or 0.0 for i in shown])
    q_of = dict(zip(shown, q_values, strict=True))
    results = []
    for i, raw in enumerate(raws):
        meta = known[raw.outcome]
        threshold = meta.in_units(table.column(raw.outcome))
        q = q_of.get(i)
        if (
            raw.p_value is None
            or q is None
            or raw.estimate is None
            or raw.ci_low is None
            or raw.ci_high is None
        ):
            verdict = Verdict.INSUFFICIENT_DATA
        else:
            verdict = decide(
                raw.estimate,
                raw.ci_low,
                raw.ci_high,
                q,
                threshold,
                meta.higher_is_better,
                raw.contrast,
            )
        results.append(
            InsightResult(
                exposure=raw.exposure,
                outcome=raw.outcome,
                estimate=raw.estimate,
                ci_low=raw.ci_low,
                ci_high=raw.ci_high,
                p_value=raw.p_value,
                q_value=q,
                n_days=raw.n_days,
                method=METHOD_NAME if q is not None else "none",
                verdict=verdict,
                sentence=sentence_for(raw, verdict, meta, threshold, q),
                days_needed=raw.days_needed,
                family=raw.family,
            )
        )
    return InsightReport(tuple(results), _withdrawal_summary(table, flags, present), len(shown))


def _mood_sleep_loop(
    table: DayTable, flags: NDArray[np.bool_], present: Sequence[str], min_days: int
) -> list[RawAssociation]:
    """Cross-lagged paths: last night's sleep -> today's mood; today's mood -> tonight's sleep.

    Each path adjusts for the outcome's own previous value (the autoregressive path) and for
    evening kratom, so the cross path is not just both series drifting together.
    """
    out: list[RawAssociation] = []
    quality = table.column("quality")
    mood_today = table.column("mood")
    mood_next = table.column("mood_next_day")
    kratom = np.nan_to_num(table.column("evening_kratom"))
    if "mood_next_day" in present and table.has("quality"):
        out.append(
            _test_one(
                table,
                SLEEP_TO_MOOD[0],
                SLEEP_TO_MOOD[1],
                quality,
                mood_next,
                flags,
                family="mood_sleep_loop",
                extra={"mood_same_day": mood_today, "evening_kratom": kratom},
                min_days=min_days,
            )
        )
    if "quality" in present and table.has("mood"):
        out.append(
            _test_one(
                table,
                MOOD_TO_SLEEP[0],
                MOOD_TO_SLEEP[1],
                mood_today,
                quality,
                flags,
                family="mood_sleep_loop",
                extra={
                    "quality_previous_night": _previous(quality, table.day),
                    "evening_kratom": kratom,
                },
                min_days=min_days,
            )
        )
    return out

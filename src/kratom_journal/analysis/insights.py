"""Observational insights of one journal: a primary answer per outcome family, the rest explored.

For every outcome family (:mod:`kratom_journal.analysis.families`) the journal answers two
questions declared in advance, from one robust regression with AR(1) errors per outcome
(:mod:`kratom_journal.analysis.questions`): nights on days with kratom against nights of a
longer break (the sustained-use difference), and nights just after a skipped dose against
nights with kratom (the rebound, shown first and on the Safety page when there is one).
Verdicts use the sceptical-prior posterior and three zones of
:mod:`kratom_journal.analysis.evidence`. Everything else is exploratory and shrunk together
(:mod:`kratom_journal.analysis.shrinkage`). Missing days are missing: nothing unlogged is
counted as a day without kratom.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from kratom_journal.analysis.answers import Answer, FamilyReport, clean
from kratom_journal.analysis.composite import INDEX_ID, INDEX_THRESHOLD
from kratom_journal.analysis.context import JournalContext, build_context
from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.dependence import DOSED, MAX_WINDOW, is_regular_user
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.evidence import Verdict
from kratom_journal.analysis.explore import MOOD_TO_SLEEP, SLEEP_TO_MOOD, WITHIN_DOSED
from kratom_journal.analysis.families import (
    FAMILIES,
    LINKED_OUTCOMES,
    PRIMARY_QUESTIONS,
    QUESTIONNAIRES,
)
from kratom_journal.analysis.gather import gather_families
from kratom_journal.analysis.multiplicity import benjamini_hochberg
from kratom_journal.analysis.thresholds import OutcomeThreshold, load_thresholds
from kratom_journal.analysis.verdicts import decide_all
from kratom_journal.analysis.wording import notable_nights, sentence
from kratom_journal.domain.words import plural

__all__ = [
    "BASE_EXPOSURES",
    "MOOD_TO_SLEEP",
    "SLEEP_TO_MOOD",
    "InsightReport",
    "InsightResult",
    "Verdict",
    "analyze",
    "snake_id",
]

BASE_EXPOSURES = (*PRIMARY_QUESTIONS, *WITHIN_DOSED)
"""Every exposure id a result can have, besides strains, forms and the mood-sleep loop."""

METHOD_NAME = "ar1_huber_reml_kr"
"""Identifier of the estimation method in results (Huber AR(1), REML, Kenward-Roger)."""


@dataclass(frozen=True, slots=True)
class InsightResult:
    """One answer as a flat record. ``as_dict`` keeps the documented field names exactly."""

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
    family: str = ""
    kind: str = ""
    primary: bool = False
    note: str = ""

    def summary(self) -> str:
        """The plain-language sentence."""
        return self.sentence

    def as_dict(self) -> dict[str, object]:
        """Output record; missing numbers are ``None`` (never NaN)."""
        return {
            "exposure": self.exposure,
            "outcome": self.outcome,
            "estimate": clean(self.estimate),
            "ci_low": clean(self.ci_low),
            "ci_high": clean(self.ci_high),
            "p_value": clean(self.p_value),
            "q_value": clean(self.q_value),
            "n_days": self.n_days,
            "method": self.method,
            "verdict": self.verdict.value,
            "sentence": self.sentence,
        }


@dataclass(frozen=True, slots=True)
class WithdrawalSummary:
    """Nights just after a skipped dose, described beside the estimated rebound."""

    regular_user: bool
    n_flagged: int
    window: int
    outcome_means: Mapping[str, tuple[float | None, float | None, float | None]] = field(
        default_factory=dict
    )
    """outcome -> (mean on those nights, other nights without kratom, nights with kratom)."""

    def summary(self) -> str:
        """Plain sentence about those nights."""
        if self.n_flagged == 0:
            return "No logged night came just after a day without kratom."
        who = "You took kratom on most of the days you logged. " if self.regular_user else ""
        nights = "night" if self.window == 1 else f"{self.window} nights"
        return (
            f"{who}{plural(self.n_flagged, 'logged night')} "
            f"{'was' if self.n_flagged == 1 else 'were'} within the first {nights} after a day "
            "without kratom. They are compared with nights with kratom on their own (the "
            "rebound question), not counted as ordinary nights without kratom."
        )


@dataclass(frozen=True, slots=True)
class LoggingSummary:
    """How complete the journal is: days in range, days logged."""

    days: int
    logged: int

    @property
    def unlogged(self) -> int:
        """Days with nothing logged."""
        return self.days - self.logged

    def summary(self) -> str:
        """One sentence."""
        if self.unlogged == 0:
            return f"All {self.days} days in your journal have entries."
        return (
            f"{self.unlogged} of {self.days} days have no entries; they are left out as unknown, "
            "never counted as days without kratom."
        )


@dataclass(frozen=True, slots=True)
class InsightReport:
    """Every answer, the families they belong to, and the withdrawal summary."""

    results: tuple[InsightResult, ...]
    withdrawal: WithdrawalSummary
    n_tests: int
    families: tuple[FamilyReport, ...] = ()
    logging: LoggingSummary = LoggingSummary(0, 0)
    dates: tuple[date, ...] | None = None

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

    def any_kratom_association(self) -> bool:
        """Like :meth:`any_association`, leaving out the mood-sleep loop (not about kratom)."""
        return any(
            r.verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE)
            and r.kind != "mood_sleep_loop"
            for r in self.results
        )

    def withdrawal_findings(self) -> tuple[Answer, ...]:
        """Rebound answers associated with worse nights after a skipped dose."""
        return tuple(
            f.rebound
            for f in self.families
            if f.rebound is not None and f.rebound.verdict is Verdict.ASSOCIATED_WORSE
        )


def snake_id(prefix: str, key: str) -> str:
    """Stable snake_case id such as ``strain_red_bali`` from a grouping key."""
    text = re.sub(r"[^a-z0-9]+", "_", key.casefold()).strip("_")
    return f"{prefix}_{text or 'unnamed'}"


def _known_outcomes(extra: Mapping[str, OutcomeThreshold] | None) -> dict[str, OutcomeThreshold]:
    known = dict(load_thresholds().outcomes)
    known.update(extra or {})
    return known


def _with_index(known: Mapping[str, OutcomeThreshold]) -> dict[str, OutcomeThreshold]:
    return {**known, INDEX_ID: INDEX_THRESHOLD}


def _check_request(
    table: DayTable, known: Mapping[str, OutcomeThreshold], outcomes: Sequence[str] | None
) -> list[str]:
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
    return present


def analyze(
    table: DayTable,
    outcomes: Sequence[str] | None = None,
    extra_outcomes: Mapping[str, OutcomeThreshold] | None = None,
    include_mood_sleep_loop: bool = True,
    sensitivity: bool = True,
) -> InsightReport:
    """Answer every question the table supports; ``outcomes`` only filters what is returned.

    Parameters
    ----------
    table : DayTable
        One row per journal day; see ``docs/analysis.md`` for column ids.
    outcomes : optional outcome ids to return (the family and the shrinkage do not change)
    extra_outcomes : thresholds for outcome columns not in the shipped data file
    include_mood_sleep_loop : add the two cross-lagged mood-sleep paths
    sensitivity : recompute the primary answers under assumptions about unlogged days

    Returns
    -------
    InsightReport
    """
    known = _known_outcomes(extra_outcomes)
    shown = _check_request(table, known, outcomes)
    ctx = build_context(table)
    families = gather_families(ctx, known, include_mood_sleep_loop)
    families = decide_all(ctx, families, sensitivity)
    rows, families = _rows(families, _with_index(known), table)
    wanted = set(shown) | {INDEX_ID} if outcomes is not None else None
    if wanted is not None:
        rows = [r for r in rows if r.outcome in wanted]
        families = [f for f in families if any(a.outcome in wanted for a in _answers(f))]
    logged = int(np.sum(np.isfinite(ctx.dosed_day))) if ctx.n_days else 0
    return InsightReport(
        results=tuple(rows),
        withdrawal=_withdrawal_summary(ctx, families, shown),
        n_tests=sum(1 for r in rows if r.p_value is not None),
        families=tuple(families),
        logging=LoggingSummary(ctx.n_days, logged),
        dates=table.dates,
    )


def _answers(family: FamilyReport) -> list[Answer]:
    out = [a for a in (family.sustained, family.rebound) if a is not None]
    return out + list(family.exploratory)


def _rows(
    families: Sequence[FamilyReport], known: Mapping[str, OutcomeThreshold], table: DayTable
) -> tuple[list[InsightResult], list[FamilyReport]]:
    """The flat result rows, and the families with every answer's sentence filled in."""
    answers = [a for f in families for a in _answers(f)]
    tested = [i for i, a in enumerate(answers) if a.p_value is not None]
    q_values = benjamini_hochberg([answers[i].p_value or 0.0 for i in tested])
    q_of = dict(zip(tested, q_values, strict=True))
    rows = []
    worded: list[Answer] = []
    for i, answer in enumerate(answers):
        meta = known[answer.outcome]
        text = sentence(answer, meta)
        extra = " ".join(
            part
            for part in (notable_nights(answer, meta, table.dates), answer.logging_note)
            if part
        )
        worded.append(replace(answer, sentence=text, note=extra))
        shown = answer.shown()
        rows.append(
            InsightResult(
                exposure=answer.exposure,
                outcome=answer.outcome,
                estimate=answer.estimate,
                ci_low=answer.ci_low,
                ci_high=answer.ci_high,
                p_value=answer.p_value,
                q_value=q_of.get(i),
                n_days=answer.n_days,
                method=METHOD_NAME if shown is not None else "none",
                verdict=answer.verdict,
                sentence=text,
                days_needed=answer.days_needed or 0,
                family=answer.family,
                kind=answer.kind,
                primary=answer.primary,
                note=extra,
            )
        )
    it = iter(worded)
    rebuilt = []
    for family in families:
        sustained = next(it) if family.sustained is not None else None
        rebound = next(it) if family.rebound is not None else None
        exploratory = tuple(next(it) for _ in family.exploratory)
        rebuilt.append(
            replace(family, sustained=sustained, rebound=rebound, exploratory=exploratory)
        )
    return rows, rebuilt


def _withdrawal_summary(
    ctx: JournalContext, families: Sequence[FamilyReport], outcomes: Sequence[str]
) -> WithdrawalSummary:
    windows = [f.rebound.window for f in families if f.rebound is not None and f.rebound.window]
    window = windows[0] if windows else MAX_WINDOW
    status = ctx.status
    flagged = (status >= 1) & (status <= window)
    later = status > window
    dosed = status == DOSED
    means: dict[str, tuple[float | None, float | None, float | None]] = {}
    for name in outcomes:
        if name in QUESTIONNAIRES or name in LINKED_OUTCOMES or name == INDEX_ID:
            continue
        y = ctx.table.column(name)
        values = []
        for group in (flagged, later, dosed):
            v = y[group & np.isfinite(y)]
            values.append(float(v.mean()) if v.size else None)
        means[name] = (values[0], values[1], values[2])
    n_flagged = int(np.sum(flagged))
    return WithdrawalSummary(is_regular_user(ctx.dosed_day), n_flagged, window, means)


def family_ids() -> list[str]:
    """Every family id, in display order (``mood_sleep_loop`` and ``other`` last)."""
    return [f.id for f in FAMILIES] + ["mood_sleep_loop", "other"]


def finite(value: float | None) -> bool:
    """True for a finite number."""
    return value is not None and math.isfinite(value)

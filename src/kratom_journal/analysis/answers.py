"""One answered (or not yet answerable) question, as every face and the report read it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from kratom_journal.analysis.evidence import Posterior, Verdict
from kratom_journal.analysis.shrinkage import Shrunk


@dataclass(frozen=True, slots=True)
class NotableNight:
    """A night the robust fit gave less weight, with the value logged that night."""

    day: int
    value: float


@dataclass(frozen=True, slots=True)
class Answer:
    """The estimate, interval and verdict of one question about one outcome.

    ``estimate`` and its interval are per one unit of the exposure; ``scale`` is the typical
    change of the exposure the verdict and the sentence use (1 for a comparison of groups).
    For ``after_skipped_dose`` the interval is widened for the scan over windows.
    """

    family: str
    kind: str
    """``sustained_use``, ``after_skipped_dose``, ``exploratory``, ``mood_sleep_loop`` or
    ``questionnaire``."""
    exposure: str
    outcome: str
    primary: bool
    meaningful: float
    higher_is_better: bool
    n_days: int
    verdict: Verdict = Verdict.INSUFFICIENT_DATA
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    std_error: float | None = None
    df: float | None = None
    p_value: float | None = None
    scale: float = 1.0
    posterior: Posterior | None = None
    shrunk: Shrunk | None = None
    counts: dict[str, int] = field(default_factory=dict)
    window: int | None = None
    windows_scanned: int = 0
    days_needed: int | None = None
    reason: str = ""
    unusual: tuple[NotableNight, ...] = ()
    ordinary_estimate: float | None = None
    logging_note: str = ""
    days_span: int = 0
    sentence: str = ""
    """The plain sentence (filled in once every verdict is known)."""
    note: str = ""
    """Unusual nights that drive the answer, and its dependence on unlogged days."""

    @property
    def estimated(self) -> bool:
        """True when the question has an estimate and interval."""
        return self.estimate is not None and self.ci_low is not None and self.ci_high is not None

    def scaled(self) -> tuple[float, float, float] | None:
        """(estimate, low, high) for the typical change ``scale``, or ``None``."""
        if self.estimate is None or self.ci_low is None or self.ci_high is None:
            return None
        lo, hi = sorted((self.ci_low * self.scale, self.ci_high * self.scale))
        return self.estimate * self.scale, lo, hi

    def shown(self) -> tuple[float, float, float] | None:
        """What the headline shows: the shrunk interval for exploratory results, else the
        interval itself (both for the typical change)."""
        if self.shrunk is not None:
            return self.shrunk.mean, self.shrunk.low, self.shrunk.high
        return self.scaled()

    def drives(self) -> bool:
        """True when giving unusual nights full weight would change the estimate noticeably."""
        if self.ordinary_estimate is None or self.estimate is None or not self.unusual:
            return False
        shift = abs(self.ordinary_estimate - self.estimate) * self.scale
        se = (self.std_error or 0.0) * self.scale
        return shift >= max(0.25 * self.meaningful, 0.5 * se)

    def with_verdict(self, verdict: Verdict, **changes: object) -> Answer:
        """A copy with another verdict (and other fields changed)."""
        return replace(self, verdict=verdict, **changes)  # type: ignore[arg-type]

    def summary(self) -> str:
        """One line for logs and tests."""
        numbers = self.scaled()
        if numbers is None:
            return f"{self.kind} {self.exposure} -> {self.outcome}: {self.reason}"
        est, lo, hi = numbers
        return (
            f"{self.kind} {self.exposure} -> {self.outcome}: {est:.3g} ({lo:.3g} to {hi:.3g}) "
            f"{self.verdict.value}"
        )


@dataclass(frozen=True, slots=True)
class FamilyReport:
    """One outcome family: its two primary answers and what was explored."""

    id: str
    label: str
    question: str
    outcome: str | None
    sustained: Answer | None
    rebound: Answer | None
    exploratory: tuple[Answer, ...]

    def summary(self) -> str:
        """One line."""
        first = self.sustained.summary() if self.sustained else "not logged"
        return f"{self.label}: {first}"


def clean(value: float | None) -> float | None:
    """A finite float or ``None`` (never NaN in output)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)

"""From an estimate and its interval to one of three plain answers, valid however often you look.

The journal recomputes its answers after every entry, so a person may look every day. An
ordinary 95 % interval that happens to exclude zero at some look is then far likelier than 5 %
under no difference at all. The headline verdict therefore uses a Bayesian posterior with a
**sceptical prior**, which does not change with the number of looks:

* prior: the difference is Normal with mean 0 and standard deviation equal to the meaningful
  change ``m`` ("differences as large as the meaningful change are possible but not expected":
  about one chance in three, before seeing any data);
* likelihood: Normal around the estimate with the robust standard error, widened to the t
  quantile of its degrees of freedom;
* posterior: Normal (conjugate).

Three zones (equivalence logic):

* **associated better / worse** only when the posterior puts at least ``POSTERIOR_LEVEL`` on
  one side of zero *and* its mean reaches the meaningful change (the difference is both clear
  and large enough to matter);
* **no meaningful difference** only when the whole 95 % interval lies inside ``(-m, m)``;
* otherwise **not clear yet**, with roughly how many more days would decide.

``POSTERIOR_LEVEL`` was chosen by simulation (``bench/nof1_validation.py``) so that fewer than
5 % of simulated people with no true difference ever see an "associated" answer when looking
every week from day 28; the meaningful changes themselves are heuristics where no
within-person threshold has been validated (see ``data/meaningful_change.json``).

References
----------
Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches to randomized trials.
J R Stat Soc A 1994;157(3):357-416. doi:10.2307/2983527 (sceptical priors, monitoring)

Lakens D. Equivalence tests: a practical primer for t tests, correlations, and meta-analyses.
Soc Psychol Personal Sci 2017;8(4):355-362. doi:10.1177/1948550617697177
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from scipy import special

PRIOR_SD_IN_MEANINGFUL = 1.0
"""Prior standard deviation of a difference, in units of the meaningful change."""

POSTERIOR_LEVEL = 0.99
"""Posterior probability on one side of zero needed for an "associated" answer."""

MAX_DAYS_NEEDED = 730
"""Beyond this the answer says "more than two years" rather than a number."""


class Verdict(StrEnum):
    """What one question can say."""

    INSUFFICIENT_DATA = "insufficient_data"
    NO_MEANINGFUL_DIFFERENCE = "no_meaningful_difference"
    NOT_CLEAR_YET = "not_clear_yet"
    ASSOCIATED_BETTER = "associated_better"
    ASSOCIATED_WORSE = "associated_worse"


@dataclass(frozen=True, slots=True)
class Posterior:
    """Normal posterior of a difference under the sceptical prior."""

    mean: float
    sd: float
    meaningful: float

    def prob_above(self, value: float) -> float:
        """Posterior probability that the difference exceeds ``value``."""
        if self.sd <= 0:
            return float(self.mean > value)
        return float(special.ndtr((self.mean - value) / self.sd))

    @property
    def prob_positive(self) -> float:
        """P(difference > 0)."""
        return self.prob_above(0.0)

    @property
    def prob_inside(self) -> float:
        """P(-m < difference < m): the difference is too small to matter."""
        return self.prob_above(-self.meaningful) - self.prob_above(self.meaningful)

    def summary(self) -> str:
        """One line."""
        return (
            f"posterior mean {self.mean:.3g} (SD {self.sd:.3g}); P(> 0) = {self.prob_positive:.3f}"
        )


def t_quantile(df: float, level: float = 0.95) -> float:
    """Two-sided t quantile (``df`` may be infinite).

    >>> round(t_quantile(math.inf), 3)
    1.96
    """
    if not math.isfinite(df):
        return float(special.ndtri(0.5 + level / 2.0))
    return float(special.stdtrit(df, 0.5 + level / 2.0))


def sceptical_posterior(
    estimate: float, std_error: float, df: float, meaningful: float
) -> Posterior:
    """Posterior of the difference given its estimate, under a N(0, m^2) prior.

    The standard error is widened by ``t_df / z`` so small samples are not over-trusted.

    >>> p = sceptical_posterior(10.0, 5.0, math.inf, 10.0)
    >>> round(p.mean, 2), round(p.sd, 2)
    (8.0, 4.47)
    """
    widened = std_error * t_quantile(df) / t_quantile(math.inf)
    tau = PRIOR_SD_IN_MEANINGFUL * meaningful
    shrink = tau**2 / (tau**2 + widened**2)
    return Posterior(shrink * estimate, math.sqrt(shrink) * widened, meaningful)


def three_zone(
    ci_low: float, ci_high: float, posterior: Posterior, higher_is_better: bool
) -> Verdict:
    """The verdict of one question (see the module docstring).

    >>> three_zone(-3.0, 5.0, sceptical_posterior(1.0, 2.0, 60, 10.0), False).value
    'no_meaningful_difference'
    >>> three_zone(-30.0, -14.0, sceptical_posterior(-22.0, 4.0, 60, 10.0), False).value
    'associated_better'
    >>> three_zone(-12.0, -4.0, sceptical_posterior(-8.0, 2.0, 60, 10.0), False).value
    'not_clear_yet'
    """
    m = posterior.meaningful
    if -m < ci_low and ci_high < m:
        return Verdict.NO_MEANINGFUL_DIFFERENCE
    side = posterior.prob_positive
    clear = max(side, 1.0 - side) >= POSTERIOR_LEVEL
    if clear and abs(posterior.mean) >= m:
        better = (posterior.mean > 0) == higher_is_better
        return Verdict.ASSOCIATED_BETTER if better else Verdict.ASSOCIATED_WORSE
    return Verdict.NOT_CLEAR_YET


def days_needed(
    estimate: float, ci_low: float, ci_high: float, meaningful: float, days_so_far: int
) -> int:
    """Rough number of further days (at the same pace of logging) that would likely decide.

    The interval narrows roughly with the square root of the number of days; it would decide
    once it fits inside the meaningful band (when the estimate is small) or clears zero by a
    margin (when the estimate is large). ``MAX_DAYS_NEEDED + 1`` means "more than that".

    >>> days_needed(2.0, -8.0, 12.0, 10.0, 56)  # the half-width 10 must shrink to 8
    32
    """
    half = (ci_high - ci_low) / 2.0
    size = abs(estimate)
    if size < meaningful:
        target = meaningful - size
    else:
        target = size / 1.35  # clears zero with the posterior level's margin
    target = max(target, 0.2 * meaningful)
    if half <= target:
        return 0
    more = math.ceil(days_so_far * ((half / target) ** 2 - 1.0))
    return min(max(more, 7), MAX_DAYS_NEEDED + 1)

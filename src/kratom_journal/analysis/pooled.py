"""Pooling n-of-1 trials: a random-effects model over each person's own estimate.

Each participant's trial gives an estimate ``y_i`` of their own effect with a standard
error ``s_i`` (from the experiment engine). The two-stage model of aggregated n-of-1
trials (Zucker et al. 1997, 2010) is

    y_i = theta_i + e_i,   e_i ~ N(0, s_i^2),   theta_i ~ N(mu, tau^2),

with ``mu`` the population mean effect and ``tau`` the between-person standard
deviation of the true effects. We estimate

* ``tau^2`` by restricted maximum likelihood (REML; Viechtbauer 2005), by Fisher
  scoring from the DerSimonian-Laird start, truncated at zero;
* ``mu`` by inverse-variance weights ``1 / (s_i^2 + tau^2)``, with the Hartung-Knapp
  standard error and a t interval on ``k - 1`` degrees of freedom (Hartung & Knapp
  2001; IntHout et al. 2014), which keeps close to its nominal coverage with few
  people, where the usual z interval is too narrow;
* a 95 % prediction interval for the effect in a new person (Higgins, Thompson &
  Spiegelhalter 2009): ``mu +- t_{k-2} sqrt(tau^2 + SE(mu)^2)``;
* a 95 % interval for ``tau^2`` by the Q-profile method (Viechtbauer 2007);
* each person's empirical-Bayes (shrunken) estimate, the best linear unbiased
  prediction ``mu + B_i (y_i - mu)`` with ``B_i = tau^2 / (tau^2 + s_i^2)``, and its
  standard error including the uncertainty of ``mu`` (Raudenbush & Bryk 2002, ch. 3).

References
----------
Zucker DR, Schmid CH, McIntosh MW, et al. Combining single patient (N-of-1) trials to
estimate population treatment effects and to evaluate individual patient responses to
treatment. J Clin Epidemiol 1997;50:401-10.
Zucker DR, Ruthazer R, Schmid CH. Individual (N-of-1) trials can be combined to give
population comparative treatment effect estimates. J Clin Epidemiol 2010;63:1312-23.
Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the
random-effects model. J Educ Behav Stat 2005;30:261-93.
Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis.
Stat Med 2007;26:37-52.
Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials
with binary outcome. Stat Med 2001;20:3875-89.
IntHout J, Ioannidis JPA, Borm GF. The Hartung-Knapp-Sidik-Jonkman method for random
effects meta-analysis is straightforward and considerably outperforms the standard
DerSimonian-Laird method. BMC Med Res Methodol 2014;14:25.
Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects
meta-analysis. J R Stat Soc A 2009;172:137-59.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import ExperimentResult

FloatArray = NDArray[np.float64]
LEVEL = 0.95
METHOD = "random-effects (REML, Hartung-Knapp)"


@dataclass(frozen=True, slots=True)
class PersonEstimate:
    """One participant's own estimate and its shrunken (empirical-Bayes) counterpart."""

    label: str
    estimate: float
    std_error: float
    shrunken: float
    shrunken_se: float
    weight: float
    """Share of the population mean's inverse-variance weight (sums to 1)."""


@dataclass(frozen=True, slots=True)
class PooledResult:
    """The population mean effect, between-person spread and each person's shrunken estimate."""

    k: int
    mean: float
    mean_se: float
    mean_ci: tuple[float, float]
    mean_p: float
    wald_se: float
    """The usual standard error ``1 / sqrt(sum of weights)`` (for comparison; not used)."""
    tau2: float
    tau2_ci: tuple[float, float]
    prediction: tuple[float, float] | None
    """``None`` with fewer than three people (``k - 2`` degrees of freedom)."""
    q: float
    i2: float
    people: tuple[PersonEstimate, ...]
    method: str = METHOD

    @property
    def tau(self) -> float:
        """Between-person standard deviation of the true effects."""
        return math.sqrt(self.tau2)

    @property
    def tau_ci(self) -> tuple[float, float]:
        return math.sqrt(self.tau2_ci[0]), math.sqrt(self.tau2_ci[1])

    def as_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "k": self.k,
            "mean": self.mean,
            "mean_se": self.mean_se,
            "mean_ci": list(self.mean_ci),
            "mean_p": self.mean_p,
            "tau": self.tau,
            "tau2": self.tau2,
            "tau_ci": list(self.tau_ci),
            "prediction": list(self.prediction) if self.prediction else None,
            "q": self.q,
            "i2": self.i2,
            "people": [
                {
                    "label": p.label,
                    "estimate": p.estimate,
                    "std_error": p.std_error,
                    "shrunken": p.shrunken,
                    "shrunken_se": p.shrunken_se,
                    "weight": p.weight,
                }
                for p in self.people
            ],
        }


Z_975 = 1.959963984540054


def person_input(result: ExperimentResult) -> tuple[float, float] | None:
    """One participant's (estimate, standard error) from the experiment engine's result.

    ``None`` when the trial has no estimate (or no interval) yet. The standard error is
    read back from the engine's 95 % interval as if that were a normal one; the engine's
    interval is a t interval, so this errs on the side of a larger error.
    """
    low, high, estimate = result.ci_low, result.ci_high, result.estimate
    if estimate is None or low is None or high is None:
        return None
    se = (high - low) / (2 * Z_975)
    if not (math.isfinite(se) and se > 0 and math.isfinite(estimate)):
        return None
    return float(estimate), float(se)


def _arrays(
    estimates: Sequence[float], std_errors: Sequence[float]
) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(estimates, dtype=np.float64)
    se = np.asarray(std_errors, dtype=np.float64)
    if y.shape != se.shape or y.ndim != 1:
        raise AnalysisError("each person needs one estimate and one standard error")
    if y.size < 2:
        raise AnalysisError("pooling needs the estimates of at least two people")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(se)) and np.all(se > 0)):
        raise AnalysisError("every estimate and standard error must be finite (errors above 0)")
    return y, se * se


def weighted_mean(y: FloatArray, v: FloatArray, tau2: float) -> tuple[float, FloatArray]:
    """The inverse-variance weighted mean for a given ``tau^2``, and the weights."""
    w = 1.0 / (v + tau2)
    return float(np.sum(w * y) / np.sum(w)), w


def dersimonian_laird(y: FloatArray, v: FloatArray) -> float:
    """The moment estimate of ``tau^2`` (DerSimonian & Laird 1986), the REML start."""
    w = 1.0 / v
    mu = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - mu) ** 2))
    c = float(np.sum(w) - np.sum(w * w) / np.sum(w))
    return max(0.0, (q - (y.size - 1)) / c)


def reml_tau2(y: FloatArray, v: FloatArray, tol: float = 1e-10, max_iter: int = 500) -> float:
    """REML estimate of ``tau^2`` by Fisher scoring (Viechtbauer 2005, eq. 10), step-halved."""
    tau2 = dersimonian_laird(y, v)
    for _ in range(max_iter):
        mu, w = weighted_mean(y, v, tau2)
        sw, sw2 = np.sum(w), np.sum(w * w)
        score = float(np.sum(w * w * ((y - mu) ** 2 - v)) / sw2 + 1.0 / sw) - tau2
        step = score
        while tau2 + step < 0:
            step /= 2.0
            if abs(step) < tol:
                step = -tau2
                break
        new = max(0.0, tau2 + step)
        if abs(new - tau2) <= tol * max(1.0, tau2):
            return new
        tau2 = new
    return tau2


def reml_loglik(y: FloatArray, v: FloatArray, tau2: float) -> float:
    """The restricted log-likelihood of ``tau^2`` (up to a constant)."""
    mu, w = weighted_mean(y, v, tau2)
    return float(
        -0.5 * np.sum(np.log(v + tau2))
        - 0.5 * math.log(np.sum(w))
        - 0.5 * np.sum(w * (y - mu) ** 2)
    )


def generalized_q(y: FloatArray, v: FloatArray, tau2: float) -> float:
    mu, w = weighted_mean(y, v, tau2)
    return float(np.sum(w * (y - mu) ** 2))


def q_profile(y: FloatArray, v: FloatArray, level: float = LEVEL) -> tuple[float, float]:
    """Interval for ``tau^2``: where the generalized Q meets the chi-square quantiles."""
    df = y.size - 1
    upper_q = float(stats.chi2.ppf((1 + level) / 2, df))
    lower_q = float(stats.chi2.ppf((1 - level) / 2, df))
    top = 10.0 * (float(np.var(y, ddof=1)) + float(np.max(v))) + 1.0

    def bound(target: float) -> float:
        # Q(tau^2) falls as tau^2 grows: 0 when even tau^2 = 0 gives Q below the target.
        if generalized_q(y, v, 0.0) <= target:
            return 0.0
        hi = top
        while generalized_q(y, v, hi) > target:
            hi *= 10.0
        return float(optimize.brentq(lambda t: generalized_q(y, v, t) - target, 0.0, hi))

    return bound(upper_q), bound(lower_q)


def pool(
    estimates: Sequence[float],
    std_errors: Sequence[float],
    labels: Sequence[str] | None = None,
    level: float = LEVEL,
) -> PooledResult:
    """Combine per-person estimates in the random-effects model (see the module docstring)."""
    y, v = _arrays(estimates, std_errors)
    k = int(y.size)
    names = list(labels) if labels is not None else [str(i + 1) for i in range(k)]
    if len(names) != k:
        raise AnalysisError("one label per person is needed")
    tau2 = reml_tau2(y, v)
    mu, w = weighted_mean(y, v, tau2)
    sum_w = float(np.sum(w))
    hk_q = float(np.sum(w * (y - mu) ** 2)) / (k - 1)
    se = math.sqrt(hk_q / sum_w)
    t_crit = float(stats.t.ppf((1 + level) / 2, k - 1))
    p_value = float(2 * stats.t.sf(abs(mu) / se, k - 1)) if se > 0 else 0.0
    prediction = None
    if k >= 3:
        half = float(stats.t.ppf((1 + level) / 2, k - 2)) * math.sqrt(tau2 + se * se)
        prediction = (mu - half, mu + half)
    fixed_w = 1.0 / v
    fixed_mu = float(np.sum(fixed_w * y) / np.sum(fixed_w))
    q = float(np.sum(fixed_w * (y - fixed_mu) ** 2))
    typical = (
        (k - 1) * float(np.sum(fixed_w)) / (float(np.sum(fixed_w)) ** 2 - float(np.sum(fixed_w**2)))
    )
    i2 = tau2 / (tau2 + typical) if tau2 + typical > 0 else 0.0
    shrink = tau2 / (tau2 + v)
    shrunken = mu + shrink * (y - mu)
    # Var(theta_i - BLUP_i) = tau2 (1 - B_i) + (1 - B_i)^2 Var(mu)  (Raudenbush & Bryk 2002).
    shrunken_se = np.sqrt(tau2 * (1 - shrink) + (1 - shrink) ** 2 * se * se)
    people = tuple(
        PersonEstimate(
            label=names[i],
            estimate=float(y[i]),
            std_error=math.sqrt(float(v[i])),
            shrunken=float(shrunken[i]),
            shrunken_se=float(shrunken_se[i]),
            weight=float(w[i] / sum_w),
        )
        for i in range(k)
    )
    return PooledResult(
        k=k,
        mean=mu,
        mean_se=se,
        mean_ci=(mu - t_crit * se, mu + t_crit * se),
        mean_p=p_value,
        wald_se=math.sqrt(1.0 / sum_w),
        tau2=tau2,
        tau2_ci=q_profile(y, v, level),
        prediction=prediction,
        q=q,
        i2=i2,
        people=people,
    )

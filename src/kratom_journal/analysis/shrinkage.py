"""Shrinking the exploratory results towards no difference (hierarchical empirical Bayes).

Looking at many exploratory comparisons, the largest-looking ones are mostly the luckiest.
All exploratory estimates of one journal, each in units of its own meaningful change
(``u_j`` with standard error ``v_j``), are treated as draws from one distribution of true
differences ``theta_j ~ N(0, tau^2)``; ``tau`` is learned from the estimates themselves, with a
half-normal prior of scale 1 (one meaningful change) integrated over a grid, so that its
uncertainty is carried into every interval. When the estimates vary no more than their
standard errors explain, ``tau`` is small and every estimate is pulled strongly towards zero;
when some differences are real, ``tau`` grows and they are left nearly as they are.

The family shrunk together is the whole journal's exploratory set: it does not change with
what a page or ``--outcome`` shows.

References
----------
Efron B, Morris C. Stein's estimation rule and its competitors: an empirical Bayes approach.
J Am Stat Assoc 1973;68(341):117-130. doi:10.1080/01621459.1973.10481350

Gelman A. Prior distributions for variance parameters in hierarchical models.
Bayesian Anal 2006;1(3):515-534. doi:10.1214/06-BA117A
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

TAU_GRID = np.linspace(0.0, 4.0, 81)
HYPERPRIOR_SCALE = 1.0


@dataclass(frozen=True, slots=True)
class Shrunk:
    """A shrunken estimate and its 95 % posterior interval, in the estimate's own units."""

    mean: float
    low: float
    high: float

    def summary(self) -> str:
        """One line."""
        return f"{self.mean:.3g} ({self.low:.3g} to {self.high:.3g})"


def _mixture_quantile(
    weights: FloatArray, means: FloatArray, sds: FloatArray, q: float, span: tuple[float, float]
) -> float:
    low, high = span
    for _ in range(60):
        mid = 0.5 * (low + high)
        cdf = float(np.sum(weights * special.ndtr((mid - means) / sds)))
        if cdf < q:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def shrink(estimates: FloatArray, std_errors: FloatArray, scales: FloatArray) -> list[Shrunk]:
    """Shrink estimates (in their own units) that share one hierarchical prior.

    Parameters
    ----------
    estimates, std_errors : one per exploratory result, in outcome units
    scales : the meaningful change of each result, in the same units (the common yardstick)

    Returns
    -------
    one :class:`Shrunk` per input, in the input's units

    Examples
    --------
    >>> out = shrink(np.array([0.1, -0.2, 0.15]), np.array([0.5, 0.5, 0.5]), np.ones(3))
    >>> all(abs(s.mean) < 0.1 for s in out)
    True
    """
    u = np.asarray(estimates, dtype=np.float64) / scales
    v = np.asarray(std_errors, dtype=np.float64) / scales
    if u.size == 0:
        return []
    tau2 = TAU_GRID[:, None] ** 2
    total = tau2 + v[None, :] ** 2
    log_marginal = -0.5 * np.sum(np.log(total) + u[None, :] ** 2 / total, axis=1)
    log_prior = -0.5 * (TAU_GRID / HYPERPRIOR_SCALE) ** 2
    log_post = log_marginal + log_prior
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    factor = tau2 / total  # shrinkage factor per (tau, result)
    out = []
    for j in range(u.size):
        means = factor[:, j] * u[j]
        sds = np.sqrt(np.maximum(factor[:, j] * v[j] ** 2, 1e-12))
        mean = float(np.sum(weights * means))
        span = (min(means.min(), 0.0) - 6 * v[j], max(means.max(), 0.0) + 6 * v[j])
        low = _mixture_quantile(weights, means, sds, 0.025, span)
        high = _mixture_quantile(weights, means, sds, 0.975, span)
        scale = float(scales[j])
        out.append(Shrunk(mean * scale, low * scale, high * scale))
    return out

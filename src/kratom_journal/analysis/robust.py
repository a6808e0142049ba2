"""Regression with AR(1) errors that one unusual night cannot overturn (Huber M-estimation).

A single night of 300 minutes to fall asleep can move an ordinary (least-squares) estimate by
several minutes and erase a real difference. The fit here gives such nights less weight with
Huber's loss, applied to the residuals of the nights themselves (an "additive outlier" is a
night, not a shock that persists), by iterating the REML + Kenward-Roger fit of
:mod:`kratom_journal.analysis.ar1` on Huber pseudo-observations

    y*_t = x_t b + s psi(r_t / s),   psi(u) = max(-c, min(c, u)),   c = 1.345,

with ``s`` the median absolute deviation of the residuals ``r``. At convergence ``b`` solves the
Huber estimating equations of the AR(1) model; its standard errors are those of the fit to the
pseudo-observations divided by the share of nights inside ``[-c s, c s]``, the usual
first-order (sandwich) correction. With well-behaved data this costs about 5 % efficiency.

The nights that drive a result are reported: nights given less than half weight, and the
night whose removal would move the estimate most.

References
----------
Huber PJ. Robust regression: asymptotics, conjectures and Monte Carlo. Ann Stat 1973;1(5):799-821.
doi:10.1214/aos/1176342503

Huber PJ. Robust estimation of a location parameter. Ann Math Stat 1964;35(1):73-101.
doi:10.1214/aoms/1177703732

Bickel PJ. One-step Huber estimates in the linear model. J Am Stat Assoc 1975;70(350):428-434.
doi:10.1080/01621459.1975.10479884

Huber PJ, Ronchetti EM. Robust Statistics, 2nd ed. Wiley, 2009 (section 7.6, pseudo-observations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.ar1 import (
    Ar1Fit,
    Contrast,
    _whitening_bands,
    fit_ar1_regression,
    gls_beta,
    reml_beta,
)

FloatArray = NDArray[np.float64]

HUBER_C = 1.345
"""Huber's tuning constant: 95 % efficiency at the normal distribution."""

MAX_ITERATIONS = 12
DOWNWEIGHTED = 0.5
"""Nights whose Huber weight is below this are named as unusual."""


@dataclass(frozen=True, slots=True)
class RobustFit:
    """A Huber AR(1) fit: the fit to the pseudo-observations and what each night weighed."""

    fit: Ar1Fit
    se_factor: float
    weights: FloatArray
    residual_scale: float
    ordinary_beta: FloatArray
    influence: FloatArray
    """``influence[i, j]``: change in coefficient ``j`` if row ``i`` were left out (approx.)."""

    def contrast(self, weights: FloatArray) -> Contrast:
        """A linear combination of the coefficients, with the robust standard error."""
        if self.fit.terms is None:
            raise ValueError("the fit keeps no covariance terms")
        return self.fit.terms.contrast(weights, self.se_factor)

    def ordinary(self, weights: FloatArray) -> float:
        """The same combination from the ordinary (non-robust) fit, for comparison."""
        return float(np.asarray(weights) @ self.ordinary_beta)

    def unusual_rows(self) -> list[int]:
        """Rows given less than half weight, most unusual first."""
        rows = np.flatnonzero(self.weights < DOWNWEIGHTED)
        return [int(i) for i in rows[np.argsort(self.weights[rows])]]

    def most_influential(self, weights: FloatArray) -> tuple[int, float]:
        """The row whose removal moves the combination most, and by how much."""
        shift = self.influence @ np.asarray(weights)
        row = int(np.argmax(np.abs(shift)))
        return row, float(shift[row])

    def summary(self) -> str:
        """One line: iterations are not kept; rho, weights."""
        return (
            f"Huber AR(1): rho {self.fit.rho:.2f}, {len(self.unusual_rows())} night(s) below "
            f"half weight, SE factor {self.se_factor:.2f}"
        )


def _mad_scale(residuals: FloatArray) -> float:
    centre = float(np.median(residuals))
    mad = float(np.median(np.abs(residuals - centre))) * 1.4826
    if mad > 0:
        return mad
    sd = float(np.std(residuals))
    return sd if sd > 0 else 1.0


def fit_huber_ar1(
    y: FloatArray,
    x: FloatArray,
    day: NDArray[np.int64],
    names: list[str] | tuple[str, ...],
    only: tuple[str, ...] = (),
) -> RobustFit:
    """Fit ``y = X b + e`` with AR(1) errors and Huber's loss on each night's residual.

    Parameters are those of :func:`kratom_journal.analysis.ar1.fit_ar1_regression`; ``only``
    names the coefficients whose Kenward-Roger df are computed for the returned fit.

    Raises
    ------
    AnalysisError
        As the ordinary fit does (too few days, collinear terms, non-finite values).
    """
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    names = tuple(names)
    first = fit_ar1_regression(y, x, day, names, only=only)
    assert first.terms is not None
    ordinary_beta = first.terms.beta
    beta = ordinary_beta
    scale = _mad_scale(y - x @ beta)
    tolerance = 1e-4 * first.sigma
    rho = first.rho
    for iteration in range(MAX_ITERATIONS):
        residuals = y - x @ beta
        scale = _mad_scale(residuals)
        pseudo = x @ beta + scale * np.clip(residuals / scale, -HUBER_C, HUBER_C)
        if iteration == 0:  # the autocorrelation of the cleaned series, then held
            rho, new_beta = reml_beta(pseudo, x, day, near=rho)
        else:
            new_beta = gls_beta(pseudo, x, day, rho)
        step = float(np.max(np.abs(new_beta - beta)))
        beta = new_beta
        if step <= tolerance:
            break
    residuals = y - x @ beta
    pseudo = x @ beta + scale * np.clip(residuals / scale, -HUBER_C, HUBER_C)
    fit = fit_ar1_regression(pseudo, x, day, names, only=only, validate=False)
    assert fit.terms is not None
    beta = fit.terms.beta
    u = (y - x @ beta) / scale
    inside = np.abs(u) <= HUBER_C
    weights = np.where(inside, 1.0, HUBER_C / np.maximum(np.abs(u), 1e-12))
    share = max(float(inside.mean()), 0.5)
    # Huber's small-sample factor K = 1 + (p / n) var(psi') / E(psi')^2 (Huber 1973).
    small_sample = 1.0 + (x.shape[1] / len(y)) * (1.0 - share) / share
    se_factor = small_sample / share
    influence = _leave_one_out(x, day, fit.rho, scale * np.clip(u, -HUBER_C, HUBER_C))
    return RobustFit(fit, se_factor, weights, scale, ordinary_beta, influence)


def _leave_one_out(
    x: FloatArray, day: NDArray[np.int64], rho: float, residuals: FloatArray
) -> FloatArray:
    """First-order change of every coefficient when one row's residual is removed.

    ``b = (X'S^-1 X)^-1 X'S^-1 y``, so a row's own share of ``b`` is column ``i`` of
    ``A = (X'S^-1 X)^-1 X'S^-1`` times its (Huber-limited) residual; ``S^-1 = W'W`` with the
    bidiagonal whitening matrix ``W``.
    """
    diag, sub, _, _ = _whitening_bands(day, rho)
    xw = diag[:, None] * x
    xw[1:] += sub[:, None] * x[:-1]
    gram_inv = np.linalg.inv(xw.T @ xw)
    # W' (W X) gives S^-1 X row by row: (W'v)_i = diag_i v_i + sub_i v_{i+1}.
    s_inv_x = diag[:, None] * xw
    s_inv_x[:-1] += sub[:, None] * xw[1:]
    share = s_inv_x @ gram_inv
    return np.asarray(share * residuals[:, None], dtype=np.float64)


def weight_summary(weights: FloatArray) -> str:
    """How many nights were down-weighted, in words.

    >>> weight_summary(np.array([1.0, 1.0, 0.2]))
    '1 night counted less than half'
    """
    n = int(np.sum(weights < DOWNWEIGHTED))
    if n == 0:
        return "no night counted less than half"
    return f"{n} night{'s' if n != 1 else ''} counted less than half"


def finite_or_none(value: float) -> float | None:
    """``value`` or ``None`` when it is not a finite number."""
    return value if math.isfinite(value) else None

"""The randomization test of a self-experiment, and the interval found by inverting it.

The reference set is exactly the randomization that was used: every flip of the pairs (pairs
scheme) or every choice of which blocks are A (balanced blocks), enumerated when there are at
most ``exact_limit`` units' worth of schedules and otherwise sampled with a fixed seed.

The statistic is ``T = mean(A) - mean(B)`` over analysed days. Under the additive model
"A shifts every analysed day by ``d``", subtracting ``d`` from the A days gives data on which
the sharp null holds, and for any re-drawn schedule ``a`` the statistic becomes
``T_a(d) = T_a(0) - d * S_a`` with ``S_a`` the same contrast of the observed assignment. The
p-value of ``d`` is the share of schedules with ``|T_a(d)| >= |T_obs(d)|``; the interval is
every ``d`` with ``p(d) > alpha``. At ``d = 0`` this is the p-value itself, so the p-value and
the interval agree.

References
----------
Edgington ES, Onghena P. Randomization Tests, 4th ed. Chapman & Hall/CRC, 2007 (chapter 11,
confidence intervals by test inversion).

Michiels B, Heyvaert M, Onghena P. The conditional power of randomization tests for
single-case effect sizes in designs with randomized treatment order. Behav Res Methods
2018;50:1036-1049. doi:10.3758/s13428-017-0885-7
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ReferenceSet:
    """Every admissible assignment of the analysed days (row 0 is the observed one)."""

    is_a: BoolArray
    exact: bool

    @property
    def size(self) -> int:
        """Number of assignments."""
        return int(self.is_a.shape[0])


def pair_flips(n_pairs: int, exact_limit: int, draws: int, seed: int) -> tuple[BoolArray, bool]:
    """Flip patterns of the pairs: all of them, or ``draws`` random ones (row 0: no flip)."""
    if n_pairs <= exact_limit:
        codes = np.arange(2**n_pairs, dtype=np.int64)
        return ((codes[:, None] >> np.arange(n_pairs)) & 1).astype(bool), True
    rng = np.random.default_rng(seed)
    flips = rng.random((draws, n_pairs)) < 0.5
    return np.vstack([np.zeros((1, n_pairs), dtype=bool), flips]), False


def block_choices(
    observed: NDArray[np.int64], exact_limit: int, draws: int, seed: int
) -> tuple[BoolArray, bool]:
    """Which blocks are A: every balanced choice, or ``draws`` random ones (row 0 observed)."""
    n_blocks = len(observed)
    n_a = int(np.sum(observed))
    observed_row = np.asarray(observed, dtype=bool)[None, :]
    if math.comb(n_blocks, n_a) <= 2**exact_limit:
        rows = [observed_row[0]]
        for chosen in itertools.combinations(range(n_blocks), n_a):
            row = np.zeros(n_blocks, dtype=bool)
            row[list(chosen)] = True
            if not np.array_equal(row, observed_row[0]):
                rows.append(row)
        return np.array(rows), True
    rng = np.random.default_rng(seed)
    perms = np.argsort(rng.random((draws, n_blocks)), axis=1) < n_a
    return np.vstack([observed_row, perms]), False


def mean_difference(values: FloatArray, is_a: BoolArray) -> FloatArray:
    """mean(A) - mean(B) for each row of a boolean assignment matrix (NaN if a group is empty)."""
    is_a = np.atleast_2d(is_a)
    n_a = is_a.sum(axis=1)
    n_b = is_a.shape[1] - n_a
    sum_a = is_a.astype(np.float64) @ values
    sum_b = values.sum() - sum_a
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(sum_a / n_a - sum_b / n_b, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class InvertedTest:
    """The test statistic of every assignment, as a line in the shift ``d``."""

    base: FloatArray
    slope: FloatArray
    valid: BoolArray
    exact: bool

    @classmethod
    def build(cls, values: FloatArray, reference: ReferenceSet) -> InvertedTest:
        """Statistics ``T_a(0)`` and slopes ``S_a`` of every assignment ``a``."""
        observed_a = reference.is_a[0].astype(np.float64)
        base = mean_difference(values, reference.is_a)
        slope = mean_difference(observed_a, reference.is_a)
        valid = np.isfinite(base) & np.isfinite(slope)
        return cls(base, slope, valid, reference.exact)

    @property
    def observed(self) -> float:
        """``T_obs(0)``: the observed mean difference."""
        return float(self.base[0])

    def p_value(self, shift: float = 0.0) -> float:
        """Two-sided p-value of "A shifts every day by ``shift``"."""
        stats = self.base[self.valid] - shift * self.slope[self.valid]
        observed = self.observed - shift
        tol = 1e-9 * max(1.0, abs(observed))
        hits = int(np.sum(np.abs(stats) >= abs(observed) - tol))
        # Exact: every schedule once. Monte Carlo: the observed schedule is row 0 and counts
        # as one draw, p = (1 + hits among draws) / (1 + draws), which is still valid.
        return hits / int(self.valid.sum())

    def interval(self, alpha: float) -> tuple[float, float]:
        """Every shift not rejected at ``alpha``, as an interval (bisection from the estimate)."""
        centre = self.observed
        spread = float(np.nanstd(self.base[self.valid])) or 1.0
        return (
            self._edge(centre, -spread, alpha),
            self._edge(centre, spread, alpha),
        )

    def _edge(self, centre: float, step: float, alpha: float) -> float:
        inside = centre
        outside = centre + step
        for _ in range(60):
            if self.p_value(outside) <= alpha:
                break
            inside = outside
            outside = centre + 2.0 * (outside - centre)
        else:
            return math.copysign(math.inf, step)
        for _ in range(50):
            mid = 0.5 * (inside + outside)
            if self.p_value(mid) > alpha:
                inside = mid
            else:
                outside = mid
        return 0.5 * (inside + outside)

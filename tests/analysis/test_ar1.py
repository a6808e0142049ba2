"""Known-answer and reference tests for the AR(1) regression."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kratom_journal.analysis import ar1
from kratom_journal.analysis.ar1 import fit_ar1_regression, whiten
from kratom_journal.analysis.errors import AnalysisError

REFERENCE = json.loads((Path(__file__).parent / "results" / "gls_reference.json").read_text())


def test_whiten_known_values_with_a_gap() -> None:
    # rho = 0.5; day 1 follows day 0 (phi = 0.5), day 3 is two days after day 1 (phi = 0.25):
    # z0 = 1; z1 = (2 - 0.5) / sqrt(0.75) = 1.7320508; z2 = (4 - 0.5) / sqrt(0.9375) = 3.6147845
    z = whiten(np.array([1.0, 2.0, 4.0]), np.array([0, 1, 3]), 0.5)
    assert z == pytest.approx([1.0, 1.7320508, 3.6147845], abs=1e-6)


def test_rho_zero_is_ordinary_least_squares() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(30), rng.standard_normal(30)])
    y = 2.0 + 3.0 * x[:, 1] + rng.standard_normal(30)
    beta, _, _, _ = ar1._gls(y, x, np.arange(30), 0.0)
    assert beta == pytest.approx(np.linalg.lstsq(x, y, rcond=None)[0], abs=1e-10)


@pytest.mark.parametrize("rho", ["0.0", "0.3", "0.6", "0.85"])
def test_gls_matches_statsmodels_reference(rho: str) -> None:
    y = np.array(REFERENCE["y"])
    x = np.array(REFERENCE["x"])
    day = np.array(REFERENCE["day"])
    beta, unscaled, rss, _ = ar1._gls(y, x, day, float(rho))
    n, p = x.shape
    se = np.sqrt(rss / (n - p) * np.diag(unscaled))
    ref = REFERENCE["gls_at_fixed_rho"][rho]
    assert beta == pytest.approx(ref["params"], abs=1e-8)
    assert se == pytest.approx(ref["bse"], abs=1e-8)


def test_reml_rho_matches_dense_reference() -> None:
    y = np.array(REFERENCE["y"])
    x = np.array(REFERENCE["x"])
    day = np.array(REFERENCE["day"])
    fit = fit_ar1_regression(y, x, day, ["intercept", "exposure", "caffeine", "trend"])
    assert fit.rho == pytest.approx(REFERENCE["reml_rho"], abs=1e-3)
    coef = fit.coefficient("exposure")
    assert coef.ci_low < coef.estimate < coef.ci_high
    assert 1.0 <= coef.df <= len(y) - 4


def test_kenward_roger_matches_dense_formula() -> None:
    rng = np.random.default_rng(3)
    day = np.sort(rng.choice(40, 25, replace=False)).astype(np.int64)
    n = day.size
    x = np.column_stack([np.ones(n), rng.random(n) > 0.5, rng.standard_normal(n)])
    rho, s2 = 0.4, 1.7

    def sigma(r: float) -> np.ndarray:
        return s2 * r ** np.abs(day[:, None] - day[None, :])

    inv = np.linalg.inv(sigma(rho))
    h = 1e-6
    d_inv = [-inv / s2, (np.linalg.inv(sigma(rho + h)) - np.linalg.inv(sigma(rho - h))) / (2 * h)]
    phi = np.linalg.inv(x.T @ inv @ x)
    p_mats = [x.T @ d @ x for d in d_inv]
    w = np.array([[0.3, 0.05], [0.05, 0.02]])
    middle = sum(
        w[i, j] * (x.T @ d_inv[i] @ sigma(rho) @ d_inv[j] @ x - p_mats[i] @ phi @ p_mats[j])
        for i in range(2)
        for j in range(2)
    )
    expected = phi + 2 * phi @ middle @ phi
    adjusted, _ = ar1._kenward_roger(x, day, rho, s2, w)
    assert adjusted == pytest.approx(expected, abs=1e-8)


def test_kenward_roger_df_is_n_minus_p_when_only_the_variance_is_estimated() -> None:
    # With rho known, KR gives the exact t test: df = n - p and no scaling.
    rng = np.random.default_rng(4)
    n, p = 30, 3
    x = np.column_stack([np.ones(n), rng.standard_normal((n, 2))])
    s2 = 2.0
    theta_cov = np.array([[2 * s2**2 / (n - p), 0.0], [0.0, 0.0]])
    adjusted, phi_p_phi = ar1._kenward_roger(x, np.arange(n), 0.3, s2, theta_cov)
    df, scale = ar1._kr_df_and_scale(1, adjusted, phi_p_phi, theta_cov)
    assert df == pytest.approx(n - p, rel=1e-6)
    assert scale == pytest.approx(1.0, rel=1e-6)


def test_recovers_a_known_coefficient() -> None:
    rng = np.random.default_rng(5)
    n = 400
    day = np.arange(n)
    x = np.column_stack([np.ones(n), rng.random(n) < 0.5])
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = 0.6 * noise[t - 1] + rng.standard_normal() * 0.8
    y = 1.0 + 2.0 * x[:, 1] + noise
    fit = fit_ar1_regression(y, x, day, ["intercept", "exposure"])
    coef = fit.coefficient("exposure")
    assert coef.ci_low < 2.0 < coef.ci_high
    assert fit.rho == pytest.approx(0.6, abs=0.1)
    assert "autocorrelation" in fit.summary()


@pytest.mark.parametrize(
    ("x", "day", "message"),
    [
        (np.column_stack([np.ones(10), np.ones(10)]), np.arange(10), "collinear"),
        (np.ones((4, 2)), np.arange(4), "too few days"),
        (np.column_stack([np.ones(10), np.arange(10.0)]), np.zeros(10, dtype=int), "increasing"),
    ],
)
def test_bad_input_is_refused_with_a_message(x: np.ndarray, day: np.ndarray, message: str) -> None:
    y = np.arange(len(day), dtype=float)
    with pytest.raises(AnalysisError, match=message):
        fit_ar1_regression(y, x, day, ["a", "b"])


def test_missing_values_are_refused() -> None:
    y = np.array([1.0, math.nan, 2.0, 3.0, 4.0, 5.0])
    x = np.column_stack([np.ones(6), np.arange(6.0)])
    with pytest.raises(AnalysisError, match="non-finite"):
        fit_ar1_regression(y, x, np.arange(6), ["a", "b"])

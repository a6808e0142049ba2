"""Produce reference numbers for the AR(1) regression from independent computations.

1. statsmodels GLS with the full AR(1) correlation matrix (rho ** |day_i - day_j|, so gaps
   are honoured) at fixed values of rho: coefficients and standard errors.
2. The REML estimate of rho found by maximising the restricted log-likelihood written with
   dense matrices (log|V| + log|X'V^-1 X| + (n - p) log(r'V^-1 r)), on a fine grid refined
   by scipy, independent of the whitening code in the package.

Run from the repository root:  python tests/analysis/results/make_gls_reference.py
It rewrites tests/analysis/results/gls_reference.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import statsmodels
import statsmodels.api as sm
from scipy import optimize


def dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    day = np.sort(rng.choice(70, size=52, replace=False)).astype(int)
    n = day.size
    exposure = (rng.random(n) < 0.5).astype(float)
    caffeine = (rng.random(n) < 0.3).astype(float)
    trend = (day - day[0]) / 365.25
    x = np.column_stack([np.ones(n), exposure, caffeine, trend])
    corr = 0.6 ** np.abs(day[:, None] - day[None, :])
    noise = np.linalg.cholesky(corr) @ rng.standard_normal(n) * 12.0
    y = 25.0 - 6.0 * exposure + 4.0 * caffeine + 10.0 * trend + noise
    return y, x, day


def dense_reml(y: np.ndarray, x: np.ndarray, day: np.ndarray, rho: float) -> float:
    n, p = x.shape
    v = rho ** np.abs(day[:, None] - day[None, :])
    vinv = np.linalg.inv(v)
    xtvx = x.T @ vinv @ x
    beta = np.linalg.solve(xtvx, x.T @ vinv @ y)
    r = y - x @ beta
    return -0.5 * (
        np.linalg.slogdet(v)[1] + np.linalg.slogdet(xtvx)[1] + (n - p) * np.log(r @ vinv @ r)
    )


def main() -> None:
    y, x, day = dataset()
    fits = {}
    for rho in (0.0, 0.3, 0.6, 0.85):
        sigma = rho ** np.abs(day[:, None] - day[None, :]) if rho else np.eye(day.size)
        res = sm.GLS(y, x, sigma=sigma).fit()
        fits[str(rho)] = {"params": res.params.tolist(), "bse": res.bse.tolist()}
    grid = np.linspace(0.0, 0.97, 195)
    best = grid[int(np.argmax([dense_reml(y, x, day, r) for r in grid]))]
    opt = optimize.minimize_scalar(
        lambda r: -dense_reml(y, x, day, r),
        bounds=(max(best - 0.01, 0.0), min(best + 0.01, 0.97)),
        method="bounded",
        options={"xatol": 1e-7},
    )
    out = {
        "generator": "tests/analysis/results/make_gls_reference.py",
        "statsmodels_version": statsmodels.__version__,
        "y": y.tolist(),
        "x": x.tolist(),
        "day": day.tolist(),
        "gls_at_fixed_rho": fits,
        "reml_rho": float(opt.x),
    }
    path = Path(__file__).with_name("gls_reference.json")
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}: reml rho = {opt.x:.6f}")


if __name__ == "__main__":
    main()

"""Monte Carlo validation of the pooled analysis of n-of-1 trials, beside the naive methods.

Each simulated study has ``people`` participants; each follows their own randomized day
schedule (``pairs`` pairs of days, drawn by the experiment engine from their own seed),
with a true effect ``theta_i ~ N(mu, tau^2)``, a personal baseline and AR(1) day-to-day
noise; a few nights are missed. Each participant's estimate comes from the product's
experiment engine (``analyze_experiment``) and the estimates are pooled by
:func:`kratom_journal.analysis.pooled.pool` (REML, Hartung-Knapp). Beside it, on the
same data:

* a naive pooled t-test: every analysed night of every participant in one Welch t-test
  of A against B nights (people and days treated as independent, as a StudyU-style
  analysis of the pooled nights would), and
* the textbook DerSimonian-Laird estimate with a z interval (DerSimonian & Laird 1986).

``bench/pooled_validation.py`` runs hundreds of studies per cell; the tests run a small
version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.experiments import (
    ExperimentPlan,
    Schedule,
    analyze_experiment,
    frozen_hash,
    make_schedule,
)
from kratom_journal.analysis.pooled import Z_975, dersimonian_laird, person_input, pool

START = date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class StudySpec:
    """The simulated population and trial (minutes of total sleep time)."""

    mu: float
    tau: float = 15.0
    noise_sd: float = 25.0
    rho: float = 0.3
    baseline_sd: float = 30.0
    missing: float = 0.05
    pairs: int = 28
    people: int = 20


@dataclass(frozen=True, slots=True)
class StudyOutcome:
    """What each method concluded in one simulated study."""

    ours_covers: bool
    ours_rejects: bool
    tau_covers: bool
    prediction_covers: bool
    naive_covers: bool
    naive_rejects: bool
    dl_covers: bool
    dl_rejects: bool
    own_sq_error: float
    """Mean over people of (own trial's estimate - true effect)^2."""
    shrunken_sq_error: float
    """Mean over people of (shrunken estimate - true effect)^2."""


def _person_nights(
    spec: StudySpec, theta: float, rng: np.random.Generator
) -> tuple[ExperimentPlan, Schedule, dict[date, float]]:
    seed = int(rng.integers(0, 2**31))
    plan = ExperimentPlan(
        "A", "B", "tst_min", Comparison.STRAIN, Design.DAY, spec.pairs, START, seed
    )
    schedule = make_schedule(plan)
    base = rng.normal(400, spec.baseline_sd)
    noise, nights = 0.0, {}
    for day in schedule.days:
        noise = spec.rho * noise + rng.normal(0, spec.noise_sd * math.sqrt(1 - spec.rho**2))
        if rng.random() < spec.missing:
            continue
        nights[day.day] = base + theta * (day.condition == "A") + noise
    return plan, schedule, nights


def simulate_study(spec: StudySpec, seed: int) -> StudyOutcome:
    """One simulated study, analysed by each method."""
    rng = np.random.default_rng(seed)
    estimates, errors, thetas = [], [], []
    a_nights: list[float] = []
    b_nights: list[float] = []
    for _ in range(spec.people):
        theta = rng.normal(spec.mu, spec.tau)
        plan, schedule, nights = _person_nights(spec, theta, rng)
        conditions = {d.day: d.condition for d in schedule.days}
        for day, value in nights.items():
            (a_nights if conditions[day] == "A" else b_nights).append(value)
        result = analyze_experiment(plan, schedule, frozen_hash(plan, schedule), nights, draws=200)
        found = person_input(result)
        if found is not None:
            estimates.append(found[0])
            errors.append(found[1])
            thetas.append(theta)
    pooled = pool(estimates, errors)
    new_person = rng.normal(spec.mu, spec.tau)
    naive = stats.ttest_ind(a_nights, b_nights, equal_var=False)
    naive_ci = naive.confidence_interval(0.95)
    y, v = np.asarray(estimates), np.asarray(errors) ** 2
    w = 1 / (v + dersimonian_laird(y, v))
    dl_mean = float(np.sum(w * y) / np.sum(w))
    dl_half = Z_975 * math.sqrt(1 / float(np.sum(w)))
    prediction = pooled.prediction or (-math.inf, math.inf)
    people = list(zip(pooled.people, thetas, strict=True))
    return StudyOutcome(
        ours_covers=pooled.mean_ci[0] <= spec.mu <= pooled.mean_ci[1],
        ours_rejects=pooled.mean_p < 0.05,
        tau_covers=pooled.tau_ci[0] <= spec.tau <= pooled.tau_ci[1],
        prediction_covers=prediction[0] <= new_person <= prediction[1],
        naive_covers=naive_ci.low <= spec.mu <= naive_ci.high,
        naive_rejects=float(naive.pvalue) < 0.05,
        dl_covers=dl_mean - dl_half <= spec.mu <= dl_mean + dl_half,
        dl_rejects=abs(dl_mean) > dl_half,
        own_sq_error=float(np.mean([(p.estimate - t) ** 2 for p, t in people])),
        shrunken_sq_error=float(np.mean([(p.shrunken - t) ** 2 for p, t in people])),
    )


def share(outcomes: list[StudyOutcome], name: str) -> float:
    """Share of studies in which the named yes/no outcome held.

    >>> share([], "ours_covers")
    0.0
    """
    if not outcomes:
        return 0.0
    return sum(bool(getattr(o, name)) for o in outcomes) / len(outcomes)

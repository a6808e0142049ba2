"""Validation by simulation of the pooled analysis of n-of-1 trials (>= 300 studies per cell).

Each simulated study has ``k`` participants; each follows their own randomized day
schedule (8 weeks, drawn by the experiment engine from their own seed), with a true
effect theta_i ~ N(mu, tau^2), a personal baseline, and AR(1) day-to-day noise; a few
nights are missed. Each participant's estimate comes from the product's experiment
engine (``analyze_experiment``), and the estimates are pooled by ``analysis.pooled``
(REML, Hartung-Knapp). Printed beside it, in the same runs:

* a naive pooled t-test: every analysed night of every participant in one Welch t-test
  of A against B nights (people and days treated as independent), and
* the textbook DerSimonian-Laird estimate with a z interval.

For each: the coverage of the 95 % interval of the population mean (mu = 30 min) and
the type I error at 0.05 when mu = 0 but effects still vary between people (tau > 0).
Also the coverage of the between-person SD interval and of the prediction interval (a
new person's effect), and the mean squared error of each person's shrunken estimate
against their true effect beside that of their own trial's estimate. Exit status 1 if our coverage leaves 93-97 % or our type I error
exceeds 5.5 %.

Usage:  python bench/pooled_validation.py [--studies 300] [--people 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.experiments import (
    ExperimentPlan,
    analyze_experiment,
    frozen_hash,
    make_schedule,
)
from kratom_journal.analysis.pooled import dersimonian_laird, person_input, pool

TAU, NOISE_SD, RHO, BASE_SD, MISSING, PAIRS = 15.0, 25.0, 0.3, 30.0, 0.05, 28
START = date(2024, 1, 1)


@dataclass(frozen=True)
class StudyOutcome:
    ours_covers: bool
    ours_rejects: bool
    tau_covers: bool
    prediction_covers: bool
    naive_covers: bool
    naive_rejects: bool
    dl_covers: bool
    dl_rejects: bool
    own_sq_error: float
    shrunken_sq_error: float


def simulate_study(seed: int, mu: float, people: int) -> StudyOutcome:
    rng = np.random.default_rng(seed)
    estimates, errors, thetas = [], [], []
    a_nights: list[float] = []
    b_nights: list[float] = []
    for person in range(people):
        theta = rng.normal(mu, TAU)
        base = rng.normal(400, BASE_SD)
        plan = ExperimentPlan(
            "A",
            "B",
            "tst_min",
            Comparison.STRAIN,
            Design.DAY,
            PAIRS,
            START,
            int(rng.integers(0, 2**31)),
        )
        schedule = make_schedule(plan)
        noise, outcomes = 0.0, {}
        for day in schedule.days:
            noise = RHO * noise + rng.normal(0, NOISE_SD * math.sqrt(1 - RHO**2))
            if rng.random() < MISSING:
                continue
            value = base + theta * (day.condition == "A") + noise
            outcomes[day.day] = value
            (a_nights if day.condition == "A" else b_nights).append(value)
        result = analyze_experiment(
            plan, schedule, frozen_hash(plan, schedule), outcomes, draws=200
        )
        found = person_input(result)
        if found is None:
            continue
        estimates.append(found[0])
        errors.append(found[1])
        thetas.append(theta)
        del person
    pooled = pool(estimates, errors)
    new_person = rng.normal(mu, TAU)
    assert pooled.prediction is not None
    naive = stats.ttest_ind(a_nights, b_nights, equal_var=False)
    naive_ci = naive.confidence_interval(0.95)
    y, v = np.asarray(estimates), np.asarray(errors) ** 2
    tau2 = dersimonian_laird(y, v)
    w = 1 / (v + tau2)
    dl_mean = float(np.sum(w * y) / np.sum(w))
    dl_half = 1.959963984540054 * math.sqrt(1 / float(np.sum(w)))
    return StudyOutcome(
        ours_covers=pooled.mean_ci[0] <= mu <= pooled.mean_ci[1],
        ours_rejects=pooled.mean_p < 0.05,
        tau_covers=pooled.tau_ci[0] <= TAU <= pooled.tau_ci[1],
        prediction_covers=pooled.prediction[0] <= new_person <= pooled.prediction[1],
        naive_covers=naive_ci.low <= mu <= naive_ci.high,
        naive_rejects=float(naive.pvalue) < 0.05,
        dl_covers=dl_mean - dl_half <= mu <= dl_mean + dl_half,
        dl_rejects=abs(dl_mean) > dl_half,
        own_sq_error=float(
            np.mean([(p.estimate - t) ** 2 for p, t in zip(pooled.people, thetas, strict=True)])
        ),
        shrunken_sq_error=float(
            np.mean([(p.shrunken - t) ** 2 for p, t in zip(pooled.people, thetas, strict=True)])
        ),
    )


def _run(args: tuple[int, float, int]) -> StudyOutcome:
    return simulate_study(*args)


def share(outcomes: list[StudyOutcome], name: str) -> float:
    return sum(getattr(o, name) for o in outcomes) / len(outcomes)


def share_lower(outcomes: list[StudyOutcome]) -> float:
    return sum(o.shrunken_sq_error < o.own_sq_error for o in outcomes) / len(outcomes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=300, help="simulated studies per cell")
    parser.add_argument("--people", type=int, default=20, help="participants per study")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        f"{args.studies} studies per cell, {args.people} participants each, {2 * PAIRS} days "
        f"(day design); tau = {TAU} min, day-to-day SD {NOISE_SD} min, rho {RHO}, "
        f"{MISSING:.0%} nights missed"
    )
    cells = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool_:
        for mu in (30.0, 0.0):
            jobs = [(1000 * int(mu) + i, mu, args.people) for i in range(args.studies)]
            cells[mu] = list(pool_.map(_run, jobs, chunksize=8))
    effect, null = cells[30.0], cells[0.0]
    print(f"\n{'method':52} {'coverage (mu=30)':>17} {'type I (mu=0)':>14}")
    rows = [
        ("pooled: REML + Hartung-Knapp (ours)", "ours_covers", "ours_rejects"),
        ("DerSimonian-Laird, z interval", "dl_covers", "dl_rejects"),
        ("naive pooled t-test (all nights, Welch)", "naive_covers", "naive_rejects"),
    ]
    for label, cover, reject in rows:
        print(f"{label:52} {share(effect, cover):17.1%} {share(null, reject):14.1%}")
    naive_type1 = share(null, "naive_rejects")
    if naive_type1:
        print(
            f"type I error, ours / naive t-test: {share(null, 'ours_rejects') / naive_type1:.2f}x"
        )
    print(f"\nbetween-person SD interval (Q-profile) covers tau: {share(effect, 'tau_covers'):.1%}")
    print(
        f"prediction interval covers a new person's effect: {share(effect, 'prediction_covers'):.1%}"
    )
    own = sum(o.own_sq_error for o in effect) / len(effect)
    shrunken = sum(o.shrunken_sq_error for o in effect) / len(effect)
    print(
        f"each person's effect, mean squared error: own trial {own:.1f}, shrunken {shrunken:.1f} "
        f"(ratio {shrunken / own:.2f}; lower in {share_lower(effect):.0%} of studies)"
    )
    ours_cover, ours_type1 = share(effect, "ours_covers"), share(null, "ours_rejects")
    ok = 0.93 <= ours_cover <= 0.97 and ours_type1 <= 0.055
    print(
        f"\ntargets: coverage 93-97 %, type I <= 5.5 %: {'met' if ok else 'NOT MET'} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

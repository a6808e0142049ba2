"""Validation by simulation of the pooled analysis of n-of-1 trials (>= 300 studies per cell).

The simulation is ``kratom_journal.analysis.pooled_validation``: each study has
``--people`` participants on their own randomized 8-week day schedules, with true
effects theta_i ~ N(mu, tau^2), personal baselines and AR(1) day-to-day noise; each
estimate comes from the product's experiment engine, pooled by REML with a
Hartung-Knapp interval. Printed beside it, from the same runs: a naive pooled t-test
(all nights of all people in one Welch test) and DerSimonian-Laird with a z interval.

For each: the coverage of the 95 % interval of the population mean (mu = 30 min) and
the type I error at 0.05 when mu = 0 but effects still vary between people (tau > 0).
Also the coverage of the between-person SD interval and of the prediction interval (a
new person's effect), and the mean squared error of each person's shrunken estimate
beside that of their own trial's estimate. Exit status 1 if our coverage leaves 93-97 %
or our type I error exceeds 5.5 %.

Usage:  python bench/pooled_validation.py [--studies 300] [--people 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from kratom_journal.analysis.pooled_validation import (
    StudyOutcome,
    StudySpec,
    share,
    simulate_study,
)


def _run(job: tuple[StudySpec, int]) -> StudyOutcome:
    return simulate_study(*job)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=300, help="simulated studies per cell")
    parser.add_argument("--people", type=int, default=20, help="participants per study")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    started = time.perf_counter()
    effect_spec = StudySpec(mu=30.0, people=args.people)
    null_spec = StudySpec(mu=0.0, people=args.people)
    s = effect_spec
    print(
        f"{args.studies} studies per cell, {s.people} participants each, {2 * s.pairs} days "
        f"(day design); tau = {s.tau} min, day-to-day SD {s.noise_sd} min, rho {s.rho}, "
        f"{s.missing:.0%} nights missed"
    )
    with ProcessPoolExecutor(max_workers=args.jobs) as workers:
        effect = list(
            workers.map(_run, [(effect_spec, i) for i in range(args.studies)], chunksize=8)
        )
        null = list(
            workers.map(_run, [(null_spec, 10**6 + i) for i in range(args.studies)], chunksize=8)
        )
    print(f"\n{'method':52} {'coverage (mu=30)':>17} {'type I (mu=0)':>14}")
    rows = [
        ("pooled: REML + Hartung-Knapp (ours)", "ours_covers", "ours_rejects"),
        ("DerSimonian-Laird, z interval", "dl_covers", "dl_rejects"),
        ("naive pooled t-test (all nights, Welch)", "naive_covers", "naive_rejects"),
    ]
    for label, cover, reject in rows:
        print(f"{label:52} {share(effect, cover):17.1%} {share(null, reject):14.1%}")
    ours_cover, ours_type1 = share(effect, "ours_covers"), share(null, "ours_rejects")
    naive_type1 = share(null, "naive_rejects")
    if naive_type1:
        print(f"type I error, ours / naive t-test: {ours_type1 / naive_type1:.2f}x")
    print(f"\nbetween-person SD interval (Q-profile) covers tau: {share(effect, 'tau_covers'):.1%}")
    print(
        f"prediction interval covers a new person's effect: {share(effect, 'prediction_covers'):.1%}"
    )
    own = sum(o.own_sq_error for o in effect) / len(effect)
    shrunken = sum(o.shrunken_sq_error for o in effect) / len(effect)
    lower = sum(o.shrunken_sq_error < o.own_sq_error for o in effect) / len(effect)
    print(
        f"each person's effect, mean squared error: own trial {own:.1f}, shrunken {shrunken:.1f} "
        f"(ratio {shrunken / own:.2f}; lower in {lower:.0%} of studies)"
    )
    ok = 0.93 <= ours_cover <= 0.97 and ours_type1 <= 0.055
    print(
        f"\ntargets: coverage 93-97 %, type I <= 5.5 %: {'met' if ok else 'NOT MET'} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Validation of the insight engine and the experiments on independently simulated journals.

Journals come from ``bench/independent_journals.py`` (written without the engine's simulator or
its rule for nights after a skipped dose). Every figure is printed for the engine beside a
naive Pearson correlation and the previous engine (``bench/previous_engine.py``), all measured
in the same run on the same journals:

1. Null, no rebound, n in {56, 84, 150} x rho in {0, 0.3, 0.6, 0.8}, 0 % and 30 % of days
   unlogged (more often after bad nights): false-positive rate of every primary question,
   interval coverage, and the share of people shown any "associated" verdict over weekly
   looks from day 28 to the end. In these journals nothing unlogged drives both use and
   sleep (stress still worsens sleep and mood, but does not make use likelier), so no
   association is there to be found. A last pair of rows keeps the unlogged confounder
   (stress that also makes use likelier): there a true association exists that no journal
   analysis can tell from an effect, and the rows show how often it is found.
2. Rebound only (no effect on dosed nights; rebound of 1-3 nights after runs of 2-5 days),
   0 % and 20 % unlogged: "kratom associated with better sleep", and the rebound detected
   (1 SD, 84 days) with its coverage.
3. One 300-minute night with a true 0.5 SD benefit: power with and without it, the night named.
4. 28-day journals: answered with an interval, or told how many more days are needed.
5. Experiments: type I error under weekly looks, "A differs" under rebound-only truth,
   power and coverage for a 1 SD sustained-use effect (8-week blocks), p-value and interval
   agreement.

Ratios are printed against the naive baseline measured in the same run (engine rate /
Pearson rate). Exit status 1 when a target is missed.

``--journals`` journals per cell score the primary answers (false positives, coverage,
rebound, power, experiments); the weekly looks of the full engine and the previous engine
run on the first ``--look-journals`` of them (they cost about five times as much per look).
``--workers`` runs the null cells in that many processes.

Usage:  python bench/nof1_validation.py [--journals 500] [--look-journals 100] [--workers 2]
        [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.experiment_checks import plan_for, weekly_looks
from bench.independent_journals import World
from bench.nof1_checks import (
    NullCell,
    run_null_cell,
    run_outlier_cell,
    run_rebound_cell,
    run_short_cell,
)

from kratom_journal.analysis.choices import Comparison, Design

NS = (56, 84, 150)
RHOS = (0.0, 0.3, 0.6, 0.8)
MISSING = (0.0, 0.3)


def _pct(value: float) -> str:
    return "   n/a" if value != value else f"{value:6.1%}"


def _ratio(ours: float, baseline: float) -> str:
    if baseline != baseline or baseline == 0 or ours != ours:
        return "  n/a"
    return f"{ours / baseline:5.2f}"


CONFOUNDED = ((84, 0.6), (150, 0.6))
"""Cells also run with the unlogged confounder (stress that makes use likelier)."""


def _null_cell(args: tuple[int, float, float, float, int, int]) -> NullCell:
    n, rho, missing, stress_use, journals, look_journals = args
    world = World(n_days=n, rho=rho, missing_share=missing, stress_use=stress_use)
    seed = int(1000 * rho) + n + int(missing * 10) + (7 if stress_use else 0)
    return run_null_cell(world, journals, seed=seed, look_journals=look_journals)


def null_section(
    journals: int,
    ns: tuple[int, ...],
    rhos: tuple[float, ...],
    look_journals: int,
    workers: int,
) -> bool:
    print("\n1. Null journals (no effect, no rebound, no unlogged confounder)")
    print(
        "   n  rho  miss | worst FPR  coverage       any-verdict(looks) | Pearson FPR any "
        "| previous FPR  cov   any | ratio any/Pearson"
    )
    cells = [(n, rho, m, 0.0) for n in ns for rho in rhos for m in MISSING]
    cells += [(n, rho, 0.0, World().stress_use) for n, rho in CONFOUNDED if n in ns]
    jobs = [(n, rho, m, c, journals, look_journals) for n, rho, m, c in cells]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_null_cell, jobs)
        ok = True
        for (n, rho, missing, confounder), cell in zip(cells, results, strict=True):
            low, high = cell.coverage_range()
            fpr = cell.worst_fpr()
            if not confounder:
                ok &= (
                    fpr <= 0.06 and 0.93 <= low and high <= 0.97 and (cell.any_engine.rate <= 0.05)
                )
            else:
                print(
                    f"   with the unlogged confounder (stress {confounder} SD more use per SD; "
                    "not a target):"
                )
            print(
                f"  {n:3d}  {rho:.1f}  {missing:3.0%} | {_pct(fpr)}  {_pct(low)}-{_pct(high)}"
                f"  {_pct(cell.any_engine.rate)} | {_pct(cell.pearson_fpr.rate)} "
                f"{_pct(cell.any_pearson.rate)} | {_pct(cell.previous_fpr.rate)} "
                f"{_pct(cell.previous_cov.rate)} {_pct(cell.any_previous.rate)} | "
                f"{_ratio(cell.any_engine.rate, cell.any_pearson.rate)}",
                flush=True,
            )
            print(f"        {_worst_line(cell)}", flush=True)
    return ok


def _worst_line(cell: NullCell) -> str:
    """Each primary question's FPR and how many journals answered it."""
    parts = [
        f"{family}/{kind[:4]} {t.rate:.1%} of {t.total}"
        for (family, kind), t in sorted(cell.rejected.items())
    ]
    looked = cell.any_engine.total
    return "; ".join(parts) + f"; looks on {looked} journals"


def rebound_section(journals: int, look_journals: int) -> bool:
    print("\n2. Rebound only (no effect on dosed nights; 1 SD rebound after runs of 2-5 days)")
    print(
        "   n  miss | better sleep (end) (any look) | detected coverage | Pearson better "
        "| previous better | ratio better/Pearson"
    )
    ok = True
    for n in (84, 150):
        for missing in (0.0, 0.2):
            world = World(n_days=n, rebound_sd=1.0, runs_pattern=True, missing_share=missing)
            cell = run_rebound_cell(
                world, journals, seed=50 + n + int(missing * 10), look_journals=look_journals
            )
            if n == 84:
                ok &= cell.detected.rate >= 0.80 and cell.covered.rate >= 0.90
            ok &= cell.better_engine.rate <= 0.05
            print(
                f"  {n:3d}  {missing:3.0%} | {_pct(cell.better_engine.rate)} "
                f"{_pct(cell.better_engine_looks.rate)} | {_pct(cell.detected.rate)} "
                f"{_pct(cell.covered.rate)} | {_pct(cell.better_pearson.rate)} | "
                f"{_pct(cell.better_previous.rate)} | "
                f"{_ratio(cell.better_engine.rate, cell.better_pearson.rate)}",
                flush=True,
            )
    return ok


def outlier_section(journals: int, look_journals: int) -> bool:
    print(
        "\n3. A true 0.5 SD benefit on minutes to fall asleep, with and without one 300-min night"
    )
    world = World(n_days=150, sustained_sd=0.5, use_share=0.5, habit_persistence=0.6)
    cell = run_outlier_cell(world, journals, seed=77, look_journals=look_journals)
    gap = abs(cell.found_clean.rate - cell.found_outlier.rate)
    print(
        f"  interval below zero: clean {_pct(cell.found_clean.rate)}, with the outlier "
        f"{_pct(cell.found_outlier.rate)} (gap {gap:.1%}); outlier night named "
        f"{_pct(cell.named.rate)}; coverage {_pct(cell.covered.rate)}"
    )
    print(
        f"  previous engine 'associated better': clean {_pct(cell.previous_clean.rate)}, "
        f"with the outlier {_pct(cell.previous_outlier.rate)}"
    )
    return gap <= 0.10 and cell.named.rate >= 0.9


def short_section(journals: int) -> bool:
    print("\n4. 28-day journals")
    cell = run_short_cell(World(n_days=28), journals, seed=28)
    told = cell.estimated + cell.told_days + cell.told_reason
    print(
        f"  {cell.questions} primary questions: {cell.estimated} with an interval "
        f"(coverage {_pct(cell.covered.rate)}), {cell.told_days} told how many more days, "
        f"{cell.told_reason} told why not yet"
    )
    return told == cell.questions


def experiment_section(runs: int) -> bool:
    print("\n5. Experiments (weekly looks; randomization test, interval from inverting it)")
    strain = plan_for(Comparison.STRAIN, Design.DAY, 28)
    blocks = plan_for(Comparison.KRATOM_VS_NONE, Design.BLOCK, 4, 7, 3)
    null = weekly_looks(strain, runs, seed=1)
    rebound = weekly_looks(blocks, runs, seed=2, rebound=1.0)
    effect = weekly_looks(blocks, runs, seed=3, effect=1.0)
    rows = (
        ("8-week day design, no difference", null),
        ("8-week 7-day blocks (3 washout), rebound only", rebound),
        ("8-week 7-day blocks (3 washout), 1 SD effect", effect),
    )
    for label, f in rows:
        print(
            f"  {label:48s} clear at any look {f.any_look / f.runs:6.1%}; at the end "
            f"{f.final / f.runs:6.1%}; coverage {f.covered / f.runs:6.1%}; p and interval "
            f"agree {f.agree / f.runs:6.1%}"
        )
    ok = null.any_look / null.runs <= 0.055 and rebound.final / rebound.runs <= 0.05
    coverage = effect.covered / effect.runs
    ok &= 0.93 <= coverage <= 0.97
    ok &= all(f.agree / f.runs >= 0.99 for _, f in rows)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=500)
    parser.add_argument(
        "--look-journals", type=int, default=None, help="journals with weekly looks (default all)"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help="one cell per section (a smoke run, not the figures)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    ns, rhos = (NS, RHOS) if not args.quick else ((84,), (0.6,))
    looked = args.journals if args.look_journals is None else args.look_journals
    print(f"{args.journals} journals per cell; weekly looks of the full engine on {looked}")
    results = {
        "null": null_section(args.journals, ns, rhos, looked, args.workers),
        "rebound": rebound_section(args.journals, looked),
        "outlier": outlier_section(args.journals, looked),
        "short": short_section(args.journals),
        "experiments": experiment_section(args.journals),
    }
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    missed = [name for name, ok in results.items() if not ok]
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

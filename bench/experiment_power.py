"""Power of planned self-experiments, written into docs/analysis.md as a table.

Power = share of simulated experiments whose randomization test gives p <= 0.05, for day
designs and for 4-day blocks with 1 washout day, by length and by true effect size (in units
of the outcome's day-to-day SD). Noise is AR(1) with rho = 0.5 and 10 % of nights unlogged.
Designs that cannot reach p <= 0.05 are marked "refused".

Usage:  python bench/experiment_power.py [--runs 300] [--write]
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import numpy as np

from kratom_journal.analysis.experiments import (
    ALPHA,
    Comparison,
    Design,
    ExperimentPlan,
    analyze_experiment,
    frozen_hash,
    make_schedule,
    randomization_p_value,
)
from kratom_journal.analysis.simulate import simulate_experiment_outcomes

LENGTHS = (28, 42, 56, 84)
EFFECTS = (0.25, 0.5, 0.75, 1.0)
RHO = 0.5
DOC = Path(__file__).resolve().parent.parent / "docs" / "analysis.md"
START, END = "<!-- power-table:start -->", "<!-- power-table:end -->"


def plan_for(design: Design, n_days: int) -> ExperimentPlan:
    block = 1 if design is Design.DAY else 4
    pairs = n_days // (2 * block)
    return ExperimentPlan(
        "A",
        "B",
        "sol_min",
        Comparison.OTHER,
        design,
        pairs,
        date(2026, 1, 5),
        seed=n_days,
        block_days=block,
        washout_days=0 if design is Design.DAY else 1,
    )


def power(plan: ExperimentPlan, effect: float, runs: int, seed: int) -> float:
    schedule = make_schedule(plan)
    conditions = [d.condition for d in schedule.days]
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        values = simulate_experiment_outcomes(
            conditions, rng, effect=effect, rho=RHO, noise_sd=1.0, missing_share=0.1
        )
        outcomes = {d.day: v for d, v in zip(schedule.days, values, strict=True)}
        _, p, _ = randomization_p_value(schedule, outcomes, draws=999, seed=seed)
        hits += p <= ALPHA
    return hits / runs


def table(runs: int) -> str:
    lines = [
        f"Simulated power (randomization test, p <= 0.05; {runs} runs per cell; AR(1) noise "
        f"rho = {RHO}; 10 % of nights unlogged). Effect = true A - B difference in SD units.",
        "",
        "| design | days | pairs | " + " | ".join(f"effect {e}" for e in EFFECTS) + " |",
        "|---|---|---|" + "---|" * len(EFFECTS),
    ]
    for design in (Design.DAY, Design.BLOCK):
        for n_days in LENGTHS:
            plan = plan_for(design, n_days)
            label = "day" if design is Design.DAY else "4-day blocks, 1 washout"
            if plan.smallest_p_value() > ALPHA:
                cells = ["refused"] * len(EFFECTS)
            else:
                cells = [
                    f"{power(plan, e, runs, seed=n_days * 100 + i):.0%}"
                    for i, e in enumerate(EFFECTS)
                ]
            lines.append(
                f"| {label} | {plan.total_days} | {plan.pairs} | " + " | ".join(cells) + " |"
            )
    return "\n".join(lines)


def eight_week_coverage(runs: int) -> tuple[float, float]:
    """Coverage of the AR(1) interval and power for a true 15-minute SOL effect (SD 15 min)."""
    plan = ExperimentPlan(
        "A", "B", "sol_min", Comparison.OTHER, Design.DAY, 28, date(2026, 1, 5), seed=8
    )
    schedule = make_schedule(plan)
    digest = frozen_hash(plan, schedule)
    conditions = [d.condition for d in schedule.days]
    rng = np.random.default_rng(15)
    covered = significant = 0
    for _ in range(runs):
        values = simulate_experiment_outcomes(conditions, rng, effect=-15.0)
        outcomes = {d.day: v for d, v in zip(schedule.days, values, strict=True)}
        result = analyze_experiment(plan, schedule, digest, outcomes, draws=999)
        if result.ci_low is not None and result.ci_high is not None:
            covered += result.ci_low <= -15.0 <= result.ci_high
        significant += result.randomization_p <= ALPHA
    return covered / runs, significant / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="update docs/analysis.md")
    args = parser.parse_args()
    text = table(args.runs)
    print(text)
    coverage, found = eight_week_coverage(max(args.runs, 1000))
    print(
        f"8-week day design, true SOL effect -15 min (SD 15, rho 0.5, 10 % missing): "
        f"interval coverage {coverage:.1%}, randomization p <= 0.05 in {found:.1%} of runs"
    )
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
        if not pattern.search(doc):
            raise SystemExit(f"{DOC} has no {START} ... {END} markers")
        DOC.write_text(pattern.sub(lambda _: f"{START}\n{text}\n{END}", doc), encoding="utf-8")
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()

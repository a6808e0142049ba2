"""Power of planned self-experiments: writes src/kratom_journal/data/experiment_power.json.

Power = share of simulated experiments whose final randomization test gives p <= 0.05, by
comparison, design, length and true effect (in units of the outcome's day-to-day SD). Every
run draws a new randomized schedule; the outcome has AR(1) noise (rho = 0.5), carry-over into
the first two days after a switch (50 % and 25 % of the previous condition's effect: with an
elimination half-life of mitragynine of about a day, half of a day's exposure is still there
the next day; Trakulsrichai S et al. Drug Des Devel Ther 2015;9:2421-2429,
doi:10.2147/DDDT.S79658), 10 % of nights unlogged, and for kratom against none a rebound of
1 SD on the first 1-3 days without kratom after days with it (inside the washout). Day-by-day
designs have no washout, so they are shown twice: with that carry-over, and with none (their
premise, that what a strain or a time of day changes does not last into the next day).
Designs that cannot reach p <= 0.05 are marked refused.

The table is also printed in Markdown, the form docs/analysis.md shows between its
``power-table`` markers (``--markdown`` prints it from the shipped file without simulating).

Usage:  python bench/experiment_power.py [--runs 1000] [--write] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.experiment_checks import CARRYOVER, plan_for, power

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiment_plan import ALPHA, check_design

EFFECTS = (0.25, 0.5, 0.75, 1.0)
RHO = 0.5
TARGET = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "kratom_journal"
    / "data"
    / "experiment_power.json"
)

NO_CARRYOVER: tuple[float, ...] = ()

# (comparison, design, block days, washout days, label, lengths in days, carry-over)
DESIGNS = (
    (
        Comparison.STRAIN,
        Design.DAY,
        1,
        0,
        "day by day (strains or times), nothing carried to the next day",
        (28, 42, 56, 84),
        NO_CARRYOVER,
    ),
    (
        Comparison.STRAIN,
        Design.DAY,
        1,
        0,
        "day by day (strains or times), half carried to the next day",
        (28, 42, 56, 84),
        CARRYOVER,
    ),
    (
        Comparison.STRAIN,
        Design.BLOCK,
        4,
        1,
        "4-day blocks, 1 washout (strains or times)",
        (24, 40, 56, 80),
        CARRYOVER,
    ),
    (
        Comparison.KRATOM_VS_NONE,
        Design.BLOCK,
        7,
        3,
        "7-day blocks, 3 washout (kratom vs none)",
        (42, 56, 84, 112),
        CARRYOVER,
    ),
)


def rows(runs: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for index, (comparison, design, block, washout, label, lengths, carry) in enumerate(DESIGNS):
        for days in lengths:
            pairs = days // (2 * block)
            plan = plan_for(comparison, design, pairs, block, washout)
            try:
                check_design(plan)
                refused = plan.smallest_p_value() > ALPHA
            except AnalysisError:
                refused = True
            values: list[float | None]
            if refused:
                values = [None] * len(EFFECTS)
            else:
                values = [
                    round(
                        power(plan, e, runs, seed=1000 * index + days + i, rho=RHO, carry=carry),
                        2,
                    )
                    for i, e in enumerate(EFFECTS)
                ]
            out.append(
                {
                    "comparison": comparison.value,
                    "design": design.value,
                    "label": label,
                    "days": plan.total_days,
                    "pairs": pairs,
                    "block_days": block,
                    "washout_days": washout,
                    "randomization": plan.randomization,
                    "carryover": list(carry),
                    "power": values,
                }
            )
            print(label, plan.total_days, values, flush=True)
    return out


def markdown(table: dict[str, object]) -> str:
    """The table as docs/analysis.md shows it."""
    effects = table["effects_sd"]
    assert isinstance(effects, list)
    lines = [
        f"Simulated power ({table['method']}). Effect = true A - B difference in SD units.",
        "",
        "| design | days | pairs | " + " | ".join(f"effect {e}" for e in effects) + " |",
        "|---|---|---|" + "---|" * len(effects),
    ]
    rows = table["rows"]
    assert isinstance(rows, list)
    for row in rows:
        cells = ["refused" if v is None else f"{v:.0%}" for v in row["power"]]
        lines.append(
            f"| {row['label']} | {row['days']} | {row['pairs']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="update the shipped data file")
    parser.add_argument(
        "--markdown", action="store_true", help="print the shipped table for the docs and stop"
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(TARGET.read_text(encoding="utf-8"))))
        return
    started = time.perf_counter()
    table = {
        "description": (
            "Simulated power of planned self-experiments: the share of simulated experiments "
            "whose final randomization test reaches p <= 0.05, by comparison, design, length and "
            "true effect (difference between conditions in standard deviations of the outcome). "
            "'null' means the design is refused (its smallest attainable p-value is above 0.05, "
            "or kratom against none without blocks and washout)."
        ),
        "method": (
            f"randomization test, p <= 0.05; {args.runs} simulated experiments per cell, each with "
            f"a newly randomized schedule; AR(1) noise rho = {RHO}; carry-over of 50 % and 25 % of "
            "the previous condition's effect on the two days after a switch (day-by-day designs "
            "also without carry-over); 10 % of nights "
            "unlogged; kratom vs none also with a 1 SD rebound on the first 1-3 days without it"
        ),
        "source": (
            "simulation by bench/experiment_power.py in this repository (methods: Kravitz et al., "
            "Design and Implementation of N-of-1 Trials: A User's Guide, AHRQ 2014; CENT 2015, "
            "doi:10.1136/bmj.h1738)"
        ),
        "as_of": date.today().isoformat(),  # noqa: DTZ011 - the date the table was made
        "effects_sd": list(EFFECTS),
        "rows": rows(args.runs),
    }
    text = json.dumps(table, indent=1) + "\n"
    print(markdown(table))
    if args.write:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Import of a 10-year CSV journal against `sqlite-utils insert` of the same three files.

3,650 nights, 7,300 doses and 3,650 mood rows are written once; each side then
imports them into a fresh database, several times, in this one run. Target: our
import takes no longer than sqlite-utils (ratio <= 1).

    python bench/journal_import.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import BIN, report, time_command


def write_journal(folder: Path, years: int = 10, seed: int = 1) -> None:
    rng = random.Random(seed)
    first = date(2015, 1, 1)
    days = [first + timedelta(days=i) for i in range(365 * years)]
    with (folder / "doses.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["taken_at", "substance", "amount", "unit", "form", "strain", "product", "note"]
        )
        for day in days:
            out.writerow(
                [f"{day}T09:{rng.randrange(60):02d}", "caffeine", 120, "mg", "", "", "", ""]
            )
            out.writerow(
                [
                    f"{day}T21:{rng.randrange(60):02d}",
                    "kratom",
                    round(rng.uniform(2, 5), 1),
                    "g",
                    "powder",
                    rng.choice(["Red Bali", "Green Maeng Da"]),
                    "",
                    "",
                ]
            )
    with (folder / "sleep.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "night",
                "bed_at",
                "tried_at",
                "sol_min",
                "awakenings",
                "waso_min",
                "final_wake_at",
                "out_of_bed_at",
                "quality",
                "note",
            ]
        )
        for day in days:
            out.writerow(
                [
                    day,
                    "22:30",
                    "22:45",
                    rng.randrange(5, 60),
                    2,
                    rng.randrange(0, 60),
                    "06:40",
                    "07:00",
                    rng.randrange(1, 6),
                    "",
                ]
            )
    with (folder / "mood.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["at", "mood", "anxiety", "energy", "note"])
        for day in days:
            out.writerow(
                [f"{day}T20:00", rng.randrange(11), rng.randrange(11), rng.randrange(11), ""]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kj-bench-"))
    data = work / "csv"
    data.mkdir()
    write_journal(data)
    ours_db, theirs_db = work / "ours.sqlite3", work / "theirs.db"

    def clean() -> None:
        for path in work.glob("ours.sqlite3*"):
            path.unlink()
        for path in work.glob("theirs.db*"):
            path.unlink()

    ours = time_command(
        [str(BIN / "kratom-journal"), "--db", str(ours_db), "import", "csv", str(data)],
        args.repeat,
        clean,
    )
    script = " && ".join(
        f"{BIN / 'sqlite-utils'} insert {theirs_db} {name} {data / (name + '.csv')} --csv"
        for name in ("doses", "sleep", "mood")
    )
    theirs = time_command(["bash", "-c", script], args.repeat, clean)
    print("10-year CSV journal (3,650 nights, 7,300 doses, 3,650 mood rows)")
    report("kj import csv", ours, "sqlite-utils insert x3", theirs, 1.0)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

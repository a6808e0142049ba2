"""How ``kj analyze`` scales: a 10-year journal against a 1-year journal.

Generates two journals (seeded) in a temporary directory, runs ``kj analyze --json`` on each
through the real command-line app a few times, and prints the median times and their ratio.
Target: the 10-year journal costs at most 4x the 1-year journal and stays well under a few
seconds.

Usage:  python bench/analyze_scaling.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.store.journal import bulk_add, new_id, open_journal

ZONE = ZoneInfo("America/Chicago")
STRAINS = ("Red Bali", "Green Malay", "White Borneo")


def _entries_for_day(day: date, rng: np.random.Generator, dosed: bool) -> list[object]:
    base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    out: list[object] = []
    if dosed:
        out.append(
            Dose(
                base + timedelta(hours=19, minutes=int(rng.integers(0, 120))),
                round(float(rng.uniform(1.5, 4.0)), 1),
                Unit.G,
                strain=STRAINS[int(rng.integers(0, 3))],
                form=Form.POWDER,
                zone=ZONE.key,
            )
        )
        if rng.random() < 0.4:
            out.append(
                Dose(base + timedelta(hours=10), 2.0, Unit.G, form=Form.CAPSULE, zone=ZONE.key)
            )
    if rng.random() < 0.5:
        out.append(
            Dose(base + timedelta(hours=15), 1, Unit.CUP, substance="caffeine", zone=ZONE.key)
        )
    if rng.random() < 0.85:
        sol = int(rng.integers(5, 60))
        waso = int(rng.integers(0, 60))
        out.append(
            SleepDiaryEntry(
                night=day,
                bed_at=base + timedelta(hours=22, minutes=30),
                tried_at=base + timedelta(hours=22, minutes=45),
                sol_min=sol,
                awakenings=1 if waso else 0,
                waso_min=waso,
                final_wake_at=base + timedelta(hours=30, minutes=30),
                out_of_bed_at=base + timedelta(hours=30, minutes=45),
                quality=int(rng.integers(1, 6)),
                zone=ZONE.key,
            )
        )
    if rng.random() < 0.8:
        out.append(
            MoodCheckin(
                base + timedelta(hours=18),
                mood=int(rng.integers(2, 10)),
                anxiety=int(rng.integers(0, 8)),
                zone=ZONE.key,
            )
        )
    return out


def build_journal(path: Path, years: int, seed: int) -> int:
    """Write a journal of ``years`` years of daily entries; return the number of entries."""
    journal = open_journal(path)
    journal.settings.set("timezone", ZONE.key)
    rng = np.random.default_rng(seed)
    first = date(2016, 1, 1)
    dosed = False
    entries: list[object] = []
    for i in range(365 * years):
        dosed = bool(rng.random() < (0.8 if dosed else 0.3))
        entries.extend(_entries_for_day(first + timedelta(days=i), rng, dosed))
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in entries], source="bench")  # type: ignore[misc]
    count = len(entries)
    journal.close()
    return count


def time_analyze(path: Path, repeats: int) -> float:
    """Median wall time of ``kj analyze --json`` after one warm-up run (imports, caches)."""
    runner = CliRunner()
    runner.invoke(app, ["--db", str(path), "analyze", "--json"])
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = runner.invoke(app, ["--db", str(path), "analyze", "--json"])
        times.append(time.perf_counter() - started)
        if result.exit_code != 0:
            raise SystemExit(f"kj analyze failed: {result.output}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        timings = {}
        for years in (1, 10):
            path = Path(tmp) / f"journal_{years}y.sqlite"
            started = time.perf_counter()
            n = build_journal(path, years, seed=years)
            print(
                f"{years:>2}-year journal: {n} entries (generated in "
                f"{time.perf_counter() - started:.1f} s)"
            )
            timings[years] = time_analyze(path, args.repeats)
            print(f"{years:>2}-year journal: kj analyze --json median {timings[years]:.2f} s")
    ratio = timings[10] / timings[1]
    ok = ratio <= 4.0
    print(f"ratio 10-year / 1-year: {ratio:.2f} (target <= 4) -> {'ok' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

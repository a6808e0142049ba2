"""How the JSON export scales with the journal, against the JSON import of the same file,
and the peak memory of a large CSV import.

Builds a 1-year and a 10-year busy journal (12 entries a day: 4,380 and 43,800 entries,
written with the bulk path), times the JSON export of both and the JSON import of the
10-year file into a fresh journal, all in this one run, then imports a CSV file of
``--csv-rows`` dose rows in a child process that reports its own peak RSS (the
resident high-water mark ``VmHWM`` of ``/proc/self/status``; ``ru_maxrss`` elsewhere).
Targets: export of 10 years <= 12x the export of 1 year and <= 2x the import of the
same file; the 1-million-row CSV import peaks under 300 MiB.

    nice -n 10 python bench/export_scaling.py [--years 1 10] [--csv-rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kratom_journal.domain.entries import Dose, Form, MoodCheckin, SideEffect, SleepDiaryEntry, Unit
from kratom_journal.services import transfer
from kratom_journal.store.journal import bulk_add, new_id, open_journal

ZONE = ZoneInfo("Europe/Berlin")
PER_DAY = 12
CSV_TARGET_MIB = 300.0


def day_entries(day: date, rng: random.Random) -> list[object]:
    """A busy day: 5 kratom doses, 2 coffees, a diary night, 3 moods, a side effect."""
    base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    out: list[object] = [
        Dose(
            base + timedelta(hours=hour, minutes=rng.randrange(60)),
            round(rng.uniform(1, 4), 1),
            Unit.G,
            strain=rng.choice(["Red Bali", "Green Malay"]),
            form=Form.POWDER,
            zone=ZONE.key,
        )
        for hour in (8, 11, 14, 17, 20)
    ]
    out += [
        Dose(base + timedelta(hours=h), 1, Unit.CUP, substance="caffeine", zone=ZONE.key)
        for h in (9, 13)
    ]
    out.append(
        SleepDiaryEntry(
            night=day,
            bed_at=base + timedelta(hours=22, minutes=30),
            tried_at=base + timedelta(hours=22, minutes=45),
            sol_min=rng.randrange(5, 60),
            awakenings=1,
            waso_min=rng.randrange(0, 60),
            final_wake_at=base + timedelta(hours=30, minutes=30),
            out_of_bed_at=base + timedelta(hours=30, minutes=45),
            quality=rng.randrange(1, 6),
            note="slept ok",
            zone=ZONE.key,
        )
    )
    out += [
        MoodCheckin(base + timedelta(hours=h), mood=rng.randrange(11), zone=ZONE.key)
        for h in (9, 15, 21)
    ]
    out.append(SideEffect(base + timedelta(hours=16), "nausea", rng.randrange(1, 4), zone=ZONE.key))
    return out


def build_journal(path: Path, days: int, seed: int = 1) -> int:
    """A journal of ``days`` busy days (bulk insert); returns the number of entries."""
    journal = open_journal(path)
    journal.settings.set("timezone", ZONE.key)
    rng = random.Random(seed)
    first = date(2014, 1, 1)
    items = [
        (new_id(), entry)
        for i in range(days)
        for entry in day_entries(first + timedelta(days=i), rng)
    ]
    with journal.session() as session:
        for start in range(0, len(items), 5000):
            bulk_add(session, items[start : start + 5000], source="bench")  # type: ignore[arg-type]
    journal.close()
    return len(items)


def timed_export(db: Path, target: Path) -> float:
    journal = open_journal(db)
    start = time.perf_counter()
    transfer.export_json(journal, target)
    took = time.perf_counter() - start
    journal.close()
    return took


def timed_import(document: Path, db: Path) -> float:
    journal = open_journal(db)
    start = time.perf_counter()
    transfer.import_json(journal, document)
    took = time.perf_counter() - start
    journal.close()
    return took


def write_dose_csv(path: Path, rows: int) -> None:
    """``rows`` distinct dose rows, one a minute from 2000 on (streamed to disk)."""
    first = datetime(2000, 1, 1, tzinfo=ZONE)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["taken_at", "substance", "amount", "unit", "form", "strain", "product", "note"]
        )
        for i in range(rows):
            at = (first + timedelta(minutes=7 * i)).isoformat()
            out.writerow([at, "kratom", 1 + i % 40 / 10, "g", "powder", "Red Bali", "", ""])


_CHILD = """
import resource, sys, time
from pathlib import Path
from kratom_journal.services import transfer
from kratom_journal.store.journal import open_journal
journal = open_journal(Path(sys.argv[1]))
start = time.perf_counter()
summary = transfer.import_csv(journal, [Path(sys.argv[2])], confirmed=True)
took = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
status = Path("/proc/self/status")
if status.exists():  # VmHWM is this process's own high-water mark (see csv_import_peak)
    found = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")]
    peak_kib = int(found[0]) if found else peak_kib
print(summary.added, took, peak_kib)
"""


def csv_import_peak(work: Path, rows: int) -> tuple[int, float, float]:
    """(rows added, seconds, peak RSS in MiB) of a CSV import in a fresh process.

    The peak is ``VmHWM`` of ``/proc/self/status`` where there is one: on Linux
    ``ru_maxrss`` carries over the size of the parent at ``exec``, which here holds the
    two journals' exports and would be counted as the import's own.
    """
    source = work / "doses.csv"
    write_dose_csv(source, rows)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(work / "csv.sqlite3"), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    added, seconds, peak_kib = done.stdout.split()
    return int(added), float(seconds), int(peak_kib) / 1024


def run(
    work: Path, small_days: int, large_days: int, csv_rows: int
) -> list[tuple[str, str, str, bool]]:
    """Measure everything; rows of (what, measured, target, met)."""
    small, large = work / "small.sqlite3", work / "large.sqlite3"
    n_small, n_large = build_journal(small, small_days), build_journal(large, large_days)
    export_small = timed_export(small, work / "small.json")
    export_large = timed_export(large, work / "large.json")
    import_large = timed_import(work / "large.json", work / "imported.sqlite3")
    added, csv_seconds, peak = csv_import_peak(work, csv_rows)
    scale, versus = export_large / export_small, export_large / import_large
    return [
        (f"JSON export, {n_small:,} entries", f"{export_small:.2f} s", "baseline", True),
        (f"JSON export, {n_large:,} entries", f"{export_large:.2f} s", "", True),
        (f"JSON import, {n_large:,} entries", f"{import_large:.2f} s", "", True),
        ("export large / export small", f"{scale:.2f}x", "<= 12x", scale <= 12),
        ("export large / import large", f"{versus:.2f}x", "<= 2x", versus <= 2),
        (
            f"CSV import, {added:,} rows ({csv_seconds:.0f} s): peak RSS",
            f"{peak:.0f} MiB",
            f"< {CSV_TARGET_MIB:.0f} MiB",
            peak < CSV_TARGET_MIB,
        ),
    ]


def print_table(rows: list[tuple[str, str, str, bool]]) -> None:
    print(f"| {'measure':<52} | {'measured':>10} | {'target':>10} | met |")
    print(f"|{'-' * 54}|{'-' * 12}|{'-' * 12}|-----|")
    for what, measured, target, met in rows:
        mark = "" if target in ("", "baseline") else ("yes" if met else "NO")
        print(f"| {what:<52} | {measured:>10} | {target:>10} | {mark:>3} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, nargs=2, default=[1, 10])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kj-bench-") as folder:
        small_years, large_years = args.years
        print_table(run(Path(folder), 365 * small_years, 365 * large_years, args.csv_rows))


if __name__ == "__main__":
    main()

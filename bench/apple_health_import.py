"""Apple Health import benchmark: ours vs healthkit-to-sqlite vs one bare lxml pass.

Generates synthetic exports once into ``bench/.cache/`` (by default a one-year
export of about 150 MB of XML and a ten-year one of about 1.5 GB), in which a
quarter of all records are heart-rate readings spread over the whole day, as a
watch takes them. For each size it runs, each in a fresh process so peak memory
is measured separately:

* ``ours``      first import into an empty journal (parse, save, derive nights)
* ``reimport``  the same file again into that journal
* ``newer``     the same export with 30 more nights, into that journal
* ``h2s``       healthkit-to-sqlite (the package from the lock) on the same zip
* ``lxml``      one ``lxml.etree.iterparse(tag="Record")`` pass reading every
                Record's attributes, with the usual clearing

and prints the sizes side by side with the targets: the first import no slower
than the bare lxml pass, at least 4x faster than healthkit-to-sqlite, the
re-import at least 10x faster than the first, peak memory under 150 MiB.

Usage::

    python bench/apple_health_import.py                       # 150 MB and 1.5 GB
    python bench/apple_health_import.py --sizes 150           # one size
    python bench/apple_health_import.py --only ours,reimport,lxml
    python bench/apple_health_import.py --h2s-max-mb 2000     # h2s at 1.5 GB too (slow)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BYTES_PER_RECORD = 430  # measured on the generator's output (heart-rate records are longer)
KEPT_PER_NIGHT = 140
DAY_HEART_SHARE = 0.25
KINDS = ("ours", "reimport", "newer", "h2s", "lxml")
PEAK_LIMIT_MIB = 150


def export_path(size_mb: int, extra_nights: int = 0) -> Path:
    suffix = f"-plus{extra_nights}" if extra_nights else ""
    return CACHE / f"apple-health-hr25-{size_mb}mb{suffix}.zip"


def generate(size_mb: int, extra_nights: int = 0) -> Path:
    """Write the synthetic export (zip, as Apple ships it) unless it is cached.

    ``extra_nights`` makes a "newer" export: the same nights plus that many more.
    """
    from kratom_journal.demo import synthetic

    path = export_path(size_mb, extra_nights)
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    years = max(1, round(size_mb / 150))
    count = 365 * years
    per_night = size_mb * 1_000_000 // BYTES_PER_RECORD // count
    day_heart = int(per_night * DAY_HEART_SHARE)
    filler = max(0, per_night - KEPT_PER_NIGHT - day_heart)
    plan = synthetic.NightPlan(date(2015, 1, 1), count + extra_nights)
    nights = synthetic.generate_nights(2024, plan)
    options = synthetic.AppleOptions(
        filler_per_night=filler, day_heart_rate_per_night=day_heart, seed=2024
    )
    started = time.monotonic()
    partial = path.with_suffix(".partial")
    synthetic.write_apple_health(partial, nights, options, as_zip=True)
    partial.rename(path)
    print(f"generated {path.name} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return path


def xml_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo("apple_health_export/export.xml").file_size


# ----------------------------------------------------------------- child runs


def run_ours(export: Path, db: Path) -> dict[str, object]:
    from kratom_journal.services.wearables import import_wearable
    from kratom_journal.store.journal import open_journal

    journal = open_journal(str(db))
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_wearable(journal, "apple-health", export)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "summary": summary.line(),
    }


def run_h2s(export: Path, db: Path) -> dict[str, object]:
    import sqlite_utils
    from healthkit_to_sqlite.utils import convert_xml_to_sqlite

    started, cpu = time.perf_counter(), time.process_time()
    archive = zipfile.ZipFile(export)
    with archive.open("apple_health_export/export.xml") as stream:
        convert_xml_to_sqlite(stream, sqlite_utils.Database(db), zipfile=archive)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def run_lxml(export: Path, _db: Path) -> dict[str, object]:
    from lxml import etree

    started, cpu = time.perf_counter(), time.process_time()
    records = 0
    with zipfile.ZipFile(export) as archive, archive.open("apple_health_export/export.xml") as raw:
        for _event, element in etree.iterparse(raw, tag="Record", resolve_entities=False):
            dict(element.attrib)
            records += 1
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "records": records,
    }


RUNNERS = {"ours": run_ours, "reimport": run_ours, "newer": run_ours, "h2s": run_h2s}
RUNNERS["lxml"] = run_lxml


def child(kind: str, export: Path, db: Path) -> None:
    result = RUNNERS[kind](export, db)
    print(json.dumps(result))


def measure(kind: str, export: Path, db: Path) -> dict[str, object]:
    """Run one case in a fresh interpreter; return its timing and peak RSS in MiB."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(export), str(db)],
        stdout=subprocess.PIPE,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(HERE.parent / "src"), os.environ.get("PYTHONPATH")])
            ),
        },
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{kind} failed with exit code {process.returncode}")
    result: dict[str, object] = json.loads(output.decode().strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def run_size(size_mb: int, wanted: list[str], h2s_max_mb: int) -> dict[str, dict[str, object]]:
    """Every wanted case on the export of one size (h2s only up to ``h2s_max_mb``)."""
    export = generate(size_mb)
    newer = generate(size_mb, extra_nights=30) if "newer" in wanted else export
    print(
        f"[{size_mb} MB] {export.name}: XML {xml_size(export) / 1e6:.0f} MB, "
        f"zip {export.stat().st_size / 1e6:.0f} MB, CPU count {os.cpu_count()}",
        flush=True,
    )
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        ours_db = Path(scratch) / "journal.sqlite"
        for kind in KINDS:
            if kind not in wanted or (kind in ("reimport", "newer") and "ours" not in results):
                continue
            if kind == "h2s" and size_mb > h2s_max_mb:
                continue
            mine = kind in ("ours", "reimport", "newer")
            db = ours_db if mine else Path(scratch) / f"{kind}.sqlite"
            results[kind] = measure(kind, newer if kind == "newer" else export, db)
            row = results[kind]
            print(
                f"  {kind:9s} {row['seconds']:8.2f} s wall {row['cpu']:8.2f} s CPU   "
                f"peak {row['peak_mib']:6.0f} MiB   {row.get('summary', '')}",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="150,1500", help="export sizes in MB, comma-separated")
    parser.add_argument("--only", default=",".join(KINDS))
    parser.add_argument("--h2s-max-mb", type=int, default=200, help="skip h2s above this size")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "EXPORT", "DB"))
    args = parser.parse_args()
    if args.child:
        kind, export, db = args.child
        child(kind, Path(export), Path(db))
        return
    wanted = args.only.split(",")
    sizes = [int(size) for size in args.sizes.split(",")]
    by_size = {size: run_size(size, wanted, args.h2s_max_mb) for size in sizes}
    report(by_size)


def _seconds(results: dict[str, dict[str, object]], kind: str, clock: str = "cpu") -> float | None:
    found = results.get(kind)
    return None if found is None else float(found[clock])  # type: ignore[arg-type]


def checks(
    results: dict[str, dict[str, object]], clock: str = "cpu"
) -> dict[str, tuple[str, bool] | None]:
    """Each target's measured value and whether it is met (``None``: not run).

    ``clock`` is ``cpu`` (the process's CPU seconds: steady on a shared machine) or
    ``seconds`` (wall-clock).
    """
    ours = _seconds(results, "ours", clock)
    found: dict[str, tuple[str, bool] | None] = dict.fromkeys(
        ("vs lxml", "vs h2s", "re-import", "newer", "peak"), None
    )
    if ours is None:
        return found
    lxml, h2s = _seconds(results, "lxml", clock), _seconds(results, "h2s", clock)
    again, newer = _seconds(results, "reimport", clock), _seconds(results, "newer", clock)
    if lxml is not None:
        found["vs lxml"] = (f"{lxml / ours:.2f}x", lxml / ours >= 1.0)
    if h2s is not None:
        found["vs h2s"] = (f"{h2s / ours:.1f}x", h2s / ours >= 4)
    if again is not None:
        found["re-import"] = (f"{ours / again:.0f}x", ours / again >= 10)
    if newer is not None:
        found["newer"] = (f"{ours / newer:.1f}x", ours / newer > 1)
    peaks = [float(results[k]["peak_mib"]) for k in ("ours", "reimport", "newer") if k in results]  # type: ignore[arg-type]
    peak = max(peaks)
    found["peak"] = (f"{peak:.0f} MiB", peak < PEAK_LIMIT_MIB)
    return found


TARGETS = {
    "vs lxml": "first import / bare lxml iterparse (target >= 1.0x)",
    "vs h2s": "first import / healthkit-to-sqlite (target >= 4x)",
    "re-import": "re-import of the same export (target >= 10x faster)",
    "newer": "newer export, +30 nights (faster than first)",
    "peak": f"peak memory of our runs (target < {PEAK_LIMIT_MIB} MiB)",
}


def report(by_size: dict[int, dict[str, dict[str, object]]]) -> None:
    """The seconds of each run and each target, one column per export size."""
    sizes = sorted(by_size)
    head = "".join(f"{f'{size} MB':>30s}" for size in sizes)
    print(f"\n{'run (wall s, CPU s, peak MiB)':24s}{head}")
    for kind in KINDS:
        cells = []
        for size in sizes:
            row = by_size[size].get(kind)
            cells.append(
                "not run"
                if row is None
                else f"{row['seconds']:.2f}, {row['cpu']:.2f}, {row['peak_mib']:.0f} MiB"
            )
        print(f"{kind:24s}" + "".join(f"{c:>30s}" for c in cells))
    print(
        f"\n{'target (CPU time; wall-clock in brackets)':56s}"
        + "".join(f"{f'{size} MB':>24s}" for size in sizes)
    )
    for key, text in TARGETS.items():
        cells = []
        for size in sizes:
            found, wall = checks(by_size[size])[key], checks(by_size[size], "seconds")[key]
            if found is None or wall is None:
                cells.append("not run")
                continue
            cell = ("PASS " if found[1] else "FAIL ") + found[0]
            cells.append(cell if key == "peak" else f"{cell} [{wall[0]}]")
        print(f"{text:56s}" + "".join(f"{c:>24s}" for c in cells))


if __name__ == "__main__":
    main()

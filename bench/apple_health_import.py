"""Apple Health import benchmark: ours vs healthkit-to-sqlite vs one bare lxml pass.

Generates a synthetic export (default ≈150 MB of XML, ≈360 k records, one year)
once into ``bench/.cache/`` and then runs, each in a fresh process so peak memory
is measured separately:

* ``ours``      first import into an empty journal (parse, save, derive nights)
* ``reimport``  the same file again into that journal
* ``h2s``       healthkit-to-sqlite (the package from the lock) on the same zip
* ``lxml``      one ``lxml.etree.iterparse(tag="Record")`` pass reading every
                Record's attributes, with the usual clearing

Usage::

    python bench/apple_health_import.py                 # 150 MB export
    python bench/apple_health_import.py --size-mb 1500  # memory check at 1.5 GB
    python bench/apple_health_import.py --only ours,lxml
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
BYTES_PER_RECORD = 415  # measured on the generator's output
KEPT_PER_NIGHT = 140


def export_path(size_mb: int, extra_nights: int = 0) -> Path:
    suffix = f"-plus{extra_nights}" if extra_nights else ""
    return CACHE / f"apple-health-{size_mb}mb{suffix}.zip"


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
    total_records = size_mb * 1_000_000 // BYTES_PER_RECORD
    filler = max(0, total_records // count - KEPT_PER_NIGHT)
    plan = synthetic.NightPlan(date(2015, 1, 1), count + extra_nights)
    nights = synthetic.generate_nights(2024, plan)
    options = synthetic.AppleOptions(filler_per_night=filler, seed=2024)
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
    started = time.perf_counter()
    summary = import_wearable(journal, "apple-health", export)
    return {"seconds": time.perf_counter() - started, "summary": summary.line()}


def run_h2s(export: Path, db: Path) -> dict[str, object]:
    import sqlite_utils
    from healthkit_to_sqlite.utils import convert_xml_to_sqlite

    started = time.perf_counter()
    archive = zipfile.ZipFile(export)
    with archive.open("apple_health_export/export.xml") as stream:
        convert_xml_to_sqlite(stream, sqlite_utils.Database(db), zipfile=archive)
    return {"seconds": time.perf_counter() - started}


def run_lxml(export: Path, db: Path) -> dict[str, object]:
    from lxml import etree

    started = time.perf_counter()
    records = 0
    with zipfile.ZipFile(export) as archive, archive.open("apple_health_export/export.xml") as raw:
        for _event, element in etree.iterparse(raw, tag="Record", resolve_entities=False):
            dict(element.attrib)
            records += 1
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    return {"seconds": time.perf_counter() - started, "records": records}


RUNNERS = {
    "ours": run_ours,
    "reimport": run_ours,
    "newer": run_ours,
    "h2s": run_h2s,
    "lxml": run_lxml,
}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=150)
    parser.add_argument("--only", default="ours,reimport,newer,h2s,lxml")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "EXPORT", "DB"))
    args = parser.parse_args()
    if args.child:
        kind, export, db = args.child
        child(kind, Path(export), Path(db))
        return
    export = generate(args.size_mb)
    wanted = args.only.split(",")
    newer = generate(args.size_mb, extra_nights=30) if "newer" in wanted else export
    print(
        f"export: {export.name}, XML {xml_size(export) / 1e6:.0f} MB, "
        f"zip {export.stat().st_size / 1e6:.0f} MB, CPU count {os.cpu_count()}"
    )
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        ours_db = Path(scratch) / "journal.sqlite"
        for kind in ("ours", "reimport", "newer", "h2s", "lxml"):
            if kind not in wanted or (kind in ("reimport", "newer") and "ours" not in results):
                continue
            mine = kind in ("ours", "reimport", "newer")
            db = ours_db if mine else Path(scratch) / f"{kind}.sqlite"
            results[kind] = measure(kind, newer if kind == "newer" else export, db)
            row = results[kind]
            print(
                f"{kind:9s} {row['seconds']:8.2f} s   peak {row['peak_mib']:6.0f} MiB   "
                f"{row.get('summary', '')}"
            )
    report(results)


def report(results: dict[str, dict[str, object]]) -> None:
    def seconds(kind: str) -> float:
        return float(results[kind]["seconds"])  # type: ignore[arg-type]

    checks = []
    if "ours" in results and "h2s" in results:
        ratio = seconds("h2s") / seconds("ours")
        checks.append((f"vs healthkit-to-sqlite: {ratio:.1f}x faster (target >= 4x)", ratio >= 4))
    if "ours" in results and "lxml" in results:
        ratio = seconds("lxml") / seconds("ours")
        checks.append((f"vs bare lxml iterparse: {ratio:.2f}x (target >= 1.0)", ratio >= 1.0))
    if "ours" in results and "reimport" in results:
        ratio = seconds("ours") / seconds("reimport")
        checks.append((f"re-import: {ratio:.0f}x faster than first (target >= 10x)", ratio >= 10))
    if "ours" in results and "newer" in results:
        ratio = seconds("ours") / seconds("newer")
        checks.append((f"newer export (+30 nights): {ratio:.1f}x faster than first", ratio > 1))
    if "ours" in results:
        peak = float(results["ours"]["peak_mib"])  # type: ignore[arg-type]
        checks.append((f"peak memory: {peak:.0f} MiB (target < 150 MiB)", peak < 150))
    for text, ok in checks:
        print(("PASS " if ok else "FAIL ") + text)


if __name__ == "__main__":
    main()

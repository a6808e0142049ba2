"""Report time for a 5-year journal against a 30-day one (target: at most 2x).

Builds two demo journals (with PHQ-9 and GAD-7 every two weeks and watch nights) in a temporary
folder and times the clinician report (gathering + HTML + PDF), for the default
period (the last four weeks) and for the whole journal, printed side by side.

Run: .venv/bin/python bench/report_scaling.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kratom_journal.demo.journal import DEMO_ZONE, generate_demo_entries
from kratom_journal.demo.questionnaires import add_demo_administrations
from kratom_journal.demo.wearable import add_demo_wearable
from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.render import render_pdf
from kratom_journal.services.insights import insight_rows
from kratom_journal.services.report import Period, default_period
from kratom_journal.store.journal import Journal, bulk_add, new_id, open_journal

END = date(2026, 11, 1)


def make_journal(folder: Path, days: int) -> Journal:
    journal = open_journal(folder / f"journal-{days}.sqlite3")
    journal.settings.set("timezone", DEMO_ZONE)
    journal.settings.set("country", "US")
    entries = generate_demo_entries(days, seed=11, end=END)
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in entries], source="bench")
    add_demo_administrations(journal, END - timedelta(days=days), END, DEMO_ZONE)
    add_demo_wearable(journal, END - timedelta(days=days), days, seed=11, zone=DEMO_ZONE)
    return journal


def time_report(
    journal: Journal, period: Period, repeat: int, with_analysis: bool = True
) -> tuple[float, float, int]:
    """Best seconds to gather, best seconds in total (with PDF), PDF size.

    The best of several runs is reported because the machine is shared: slower runs measure
    other people's work, not the report's.
    """
    gather, total, size = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        report = build_report(journal, period, with_analysis=with_analysis)
        middle = time.perf_counter()
        size = len(render_pdf(report))
        end = time.perf_counter()
        gather.append(middle - start)
        total.append(end - start)
    return min(gather), min(total), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = make_journal(Path(folder), 30)
        large = make_journal(Path(folder), 5 * 365)
        # Insights are cached in the journal until its data change: the first report after a
        # change pays for them once. Printed here so the cached timings below are read honestly.
        for label, journal in (("30-day", small), ("5-year", large)):
            start = time.perf_counter()
            insight_rows(journal)
            print(
                f"insights computed once for the {label} journal: "
                f"{time.perf_counter() - start:.2f} s (then cached until the journal changes)"
            )
        render_pdf(build_report(small, default_period(small)))  # warm fonts and templates
        for with_analysis in (True, False):
            title = "with" if with_analysis else "without (kj report --no-analysis)"
            print(f"\nReport {title} the analyses section:")
            rows = []
            for label, journal, days in (
                ("30-day journal", small, 30),
                ("5-year journal", large, 5 * 365),
            ):
                last = default_period(journal)
                whole = Period(END - timedelta(days=days), last.end)
                rows.append(
                    (
                        label,
                        time_report(journal, last, args.repeat, with_analysis),
                        time_report(journal, whole, args.repeat, with_analysis),
                    )
                )
            _print(rows)
        small.close()
        large.close()


Row = tuple[str, tuple[float, float, int], tuple[float, float, int]]


def _print(rows: list[Row]) -> None:
    print(f"{'':16} {'last 4 weeks':>28} {'whole journal':>28}")
    print(
        f"{'':16} {'gather s':>9} {'total s':>9} {'PDF kB':>8} "
        f"{'gather s':>9} {'total s':>9} {'PDF kB':>8}"
    )
    for label, (g1, t1, s1), (g2, t2, s2) in rows:
        print(
            f"{label:16} {g1:9.2f} {t1:9.2f} {s1 / 1024:8.0f} {g2:9.2f} {t2:9.2f} {s2 / 1024:8.0f}"
        )
    (_, (_, small_last, _), (_, small_whole, _)) = rows[0]
    (_, (_, large_last, _), (_, large_whole, _)) = rows[1]
    print(
        f"ratio 5-year / 30-day: last 4 weeks {large_last / small_last:.2f}x, "
        f"whole journal {large_whole / small_whole:.2f}x (target <= 2x)"
    )


if __name__ == "__main__":
    main()

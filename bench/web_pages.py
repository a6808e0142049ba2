"""Page rendering cost for a 5-year journal against a 30-day one, side by side in one run.

Work must scale with what a page shows, not with history: Today, Sleep, Mood and
Insights for 5 years may cost at most 1.5x what they cost for 30 days (insights are
cached and invalidated on writes, so a repeat view is a cache hit). Prints p50/p95
per page and the ratio of medians.

    python bench/web_pages.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

warnings.filterwarnings("ignore", message=".*httpx.*")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from kratom_journal.demo.journal import DEMO_ZONE, generate_demo_entries  # noqa: E402
from kratom_journal.store.journal import bulk_add, new_id, open_journal  # noqa: E402
from kratom_journal.web import WebSettings, create_app  # noqa: E402

PAGES = ("/", "/sleep", "/mood", "/insights")
"""The pages the limit applies to; /safety is printed too (its report is cached like insights)."""
EXTRA_PAGES = ("/safety",)
LIMIT = 1.5


def build(folder: Path, days: int) -> Path:
    """A demo-like journal of ``days`` days: entries, questionnaires, medicines, wearable nights.

    It uses the demo generator's own pieces (``build_demo_journal`` needs 120+ days).
    """
    path = folder / f"journal-{days}d.sqlite3"
    journal = open_journal(path)
    journal.settings.set("timezone", DEMO_ZONE)
    journal.settings.set("country", "US")
    journal.settings.set("region", "US-TX")
    end = datetime.now().date()
    entries = generate_demo_entries(days, seed=11, end=end)
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in entries], source="bench")
    for extend in _extensions(end, days):
        extend(journal)
    journal.close()
    return path


def _extensions(end: date, days: int) -> list:  # type: ignore[type-arg]
    """The demo's other kinds of data, where this build has them."""
    found = []
    try:
        from kratom_journal.demo.questionnaires import add_demo_administrations

        found.append(
            lambda j: add_demo_administrations(j, end - timedelta(days=days), end, DEMO_ZONE, 11)
        )
    except ImportError:
        pass
    try:
        from kratom_journal.demo.medicines import add_demo_medicines

        found.append(add_demo_medicines)
    except ImportError:
        pass
    try:
        from kratom_journal.demo.wearable import extend_demo_journal

        found.append(lambda j: extend_demo_journal(j, 11))
    except ImportError:
        pass
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: TestClient, page: str, repeat: int) -> list[float]:
    client.get(page)  # warm: templates compiled, insights computed once and cached
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(page)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{page} answered {response.status_code}")
    return times


def cold_insights(client: TestClient) -> float:
    """One insights view right after a write (the cache was invalidated)."""
    client.put("/api/v1/settings/units", json={"value": "metric"})
    start = time.perf_counter()
    client.get("/insights")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = {"30 days": build(Path(folder), 30), "5 years": build(Path(folder), 5 * 365)}
        results: dict[str, dict[str, list[float]]] = {}
        cold: dict[str, float] = {}
        for label, path in paths.items():
            with TestClient(
                create_app(WebSettings(db=str(path))), base_url="http://127.0.0.1"
            ) as client:
                results[label] = {
                    p: measure(client, p, args.repeat) for p in (*PAGES, *EXTRA_PAGES)
                }
                cold[label] = cold_insights(client)
    ok = True
    print(f"{'page':<10} {'journal':<8} {'p50 ms':>8} {'p95 ms':>8}")
    for page in (*PAGES, *EXTRA_PAGES):
        for label in paths:
            values = results[label][page]
            print(
                f"{page:<10} {label:<8} {1000 * statistics.median(values):8.1f} "
                f"{1000 * percentile(values, 0.95):8.1f}"
            )
        ratio = statistics.median(results["5 years"][page]) / statistics.median(
            results["30 days"][page]
        )
        verdict = "ok" if ratio <= LIMIT else f"TOO SLOW (limit {LIMIT}x)"
        if page in EXTRA_PAGES:
            verdict = "(not limited)"
        else:
            ok = ok and ratio <= LIMIT
        print(f"{page:<10} ratio 5 years / 30 days = {ratio:.2f}x  {verdict}")
    print(
        "insights right after a write (cache invalidated): "
        + ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in cold.items())
    )
    print(f"run on {date.today()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

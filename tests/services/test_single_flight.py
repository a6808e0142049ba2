"""One insights computation per data version, however many threads ask.

What is tested: concurrent callers of the cached insights and of the web's page cache
compute once per data version (reads never write: tests/web/test_reads_never_write.py).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.domain.entries import MoodCheckin
from kratom_journal.services import insight_views, insights
from kratom_journal.store.journal import Journal
from kratom_journal.web.cache import PageCache


def slow_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def run_insights(_journal: Journal) -> None:
        calls.append(1)
        time.sleep(0.3)  # long enough for every other thread to arrive meanwhile
        raise AnalysisError(f"computed {len(calls)} times")

    monkeypatch.setattr(insights, "run_insights", run_insights)
    monkeypatch.setattr(insight_views, "run_insights", run_insights)
    return calls


def at_once(count: int, call: Any) -> list[Any]:
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def worker(index: int) -> None:
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_insights_are_computed_once_per_data_version(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = slow_counted(monkeypatch)
    results = at_once(8, lambda: insights.insight_rows(journal))
    assert calls == [1]
    assert all(r == {"error": "computed 1 times"} for r in results)
    journal.entries.add(MoodCheckin(at=datetime(2026, 11, 1, 9, tzinfo=UTC), mood=5))
    results = at_once(8, lambda: insights.insight_rows(journal))
    assert calls == [1, 1]
    assert all(r == {"error": "computed 2 times"} for r in results)


def test_the_page_cache_is_single_flight(journal: Journal) -> None:
    cache = PageCache(journal)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.3)
        return len(calls)

    assert set(at_once(8, lambda: cache.get("insights", compute))) == {1}
    assert calls == [1]

"""The stage timeline of a night: the chosen source only, in order, never overlapping.

What is tested: stages from a generated demo wearable come back as ordered,
non-overlapping segments within the night, and nights outside the range are absent.
What is NOT tested: drawing them (tests/web).
"""

from __future__ import annotations

from datetime import date, timedelta

from kratom_journal.demo.wearable import add_demo_wearable
from kratom_journal.services.wearable_nights import stage_timeline
from kratom_journal.store.journal import Journal


def test_stage_segments_are_ordered_and_disjoint(journal: Journal) -> None:
    start = date(2026, 3, 20)
    add_demo_wearable(journal, start, 14, seed=5, zone="Europe/Berlin")
    timeline = stage_timeline(journal, start + timedelta(days=2), start + timedelta(days=9))
    assert timeline
    assert all(
        start + timedelta(days=2) <= night <= start + timedelta(days=9) for night in timeline
    )
    for segments in timeline.values():
        for (_, end, _), (next_start, _, _) in zip(segments, segments[1:], strict=False):
            assert end <= next_start
        assert {stage for _, _, stage in segments} <= {
            "awake",
            "light",
            "deep",
            "rem",
            "asleep_unspecified",
        }
        assert all(begin < end for begin, end, _ in segments)

"""Keep all-day readings only where sleep needs them: in and around sleep windows.

A watch records heart rate all day; a year of it is hundreds of thousands of
readings, of which the nights use the few thousand taken while asleep. Heart and
breathing rate (:data:`~kratom_journal.sleep.samples.WINDOWED_METRICS`) are held
back compactly (about 20 bytes each) while the export is read and let through at
the end only when they fall inside a sleep window of this import (or one the
journal already holds), widened by :data:`MARGIN` on both sides. Everything else
(sleep samples, summaries, daily resting heart rate and HRV, scores, problems)
passes at once and in order.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from kratom_journal.importers.common import fixed_zone
from kratom_journal.sleep.samples import (
    WINDOWED_METRICS,
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SleepSummary,
    SourceRef,
)

MARGIN: Final = timedelta(minutes=30)
_MARGIN_MS: Final = int(MARGIN.total_seconds() * 1000)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MS: Final = timedelta(milliseconds=1)

KnownWindows = Callable[[int, int], Sequence[tuple[int, int]]]
"""Sleep windows (UTC milliseconds) the journal already holds between two instants."""


def _ms(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


def merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping windows covering the same instants.

    >>> merge([(5, 9), (1, 3), (2, 6), (20, 21)])
    [(1, 9), (20, 21)]
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class NearSleep:
    """Filter of one import's records; ``dropped`` counts readings left out.

    >>> from datetime import timezone
    >>> from kratom_journal.sleep.samples import Stage
    >>> src = SourceRef("x", "Watch")
    >>> at = lambda h: datetime(2024, 1, 1, h, tzinfo=timezone.utc)
    >>> items = [MetricSample(src, Metric.HEART_RATE, at(h), at(h), 60.0) for h in (1, 12, 23)]
    >>> items.append(SleepSample(src, at(22), at(23), Stage.LIGHT))
    >>> near = NearSleep()
    >>> [type(r).__name__ for r in near.filter(items)], near.dropped
    (['SleepSample', 'MetricSample'], 2)
    """

    def __init__(self, known: KnownWindows | None = None) -> None:
        self._known = known
        self._at = array("q")
        self._value = array("d")
        self._tag = array("I")
        """Per reading: its index in ``_tags``, a (kind, offset seconds) pair."""
        self._kinds: list[tuple[SourceRef, Metric]] = []
        self._kind_ids: dict[tuple[SourceRef, Metric], int] = {}
        self._tags: list[tuple[int, int]] = []
        self._tag_ids: dict[tuple[int, int], int] = {}
        self._windows: list[tuple[int, int]] = []
        self.dropped = 0
        self.kept = 0
        self.held_raw = 0
        """Readings a parser handed over with :meth:`hold_kind` (never yielded as records)."""

    def filter(self, records: Iterable[Record | ParseIssue]) -> Iterator[Record | ParseIssue]:
        """The records, windowed readings held back until the end."""
        for item in records:
            if isinstance(item, MetricSample) and item.metric in WINDOWED_METRICS:
                self._hold(item)
                continue
            if isinstance(item, SleepSample | SleepSummary):
                self._add_window(_ms(item.start) - _MARGIN_MS, _ms(item.end) + _MARGIN_MS)
            yield item
        yield from self._release()

    def _add_window(self, start: int, end: int) -> None:
        # A night's stages arrive one after another: joining a window that overlaps the
        # last one keeps one window per sleep instead of one per stage.
        windows = self._windows
        if windows and windows[-1][0] <= end and start <= windows[-1][1]:
            last = windows[-1]
            windows[-1] = (min(last[0], start), max(last[1], end))
        else:
            windows.append((start, end))

    def kind_index(self, source: SourceRef, metric: Metric) -> int:
        """The number :meth:`hold_kind` knows a source's metric by."""
        kind = (source, metric)
        index = self._kind_ids.get(kind)
        if index is None:
            index = self._kind_ids[kind] = len(self._kinds)
            self._kinds.append(kind)
        return index

    def hold_kind(self, at_ms: int, offset_seconds: int, value: float, kind: int) -> None:
        """Hold a reading a parser read without building a record for it (the fast path
        for all-day heart rate; ``kind`` from :meth:`kind_index`); it is released like
        any other at the end."""
        self._at.append(at_ms)
        self._value.append(value)
        self._tag.append(self._tag_of(kind, offset_seconds))
        self.held_raw += 1

    def _tag_of(self, kind: int, offset_seconds: int) -> int:
        # A source's readings share a few offsets: one small number stands for both.
        key = (kind, offset_seconds)
        found = self._tag_ids.get(key)
        if found is None:
            found = self._tag_ids[key] = len(self._tags)
            self._tags.append(key)
        return found

    def _hold(self, item: MetricSample) -> None:
        index = self.kind_index(item.source, item.metric)
        offset = item.start.utcoffset()
        self._at.append(_ms(item.start))
        self._value.append(item.value)
        self._tag.append(self._tag_of(index, int(offset.total_seconds()) if offset else 0))

    def _release(self) -> Iterator[MetricSample]:
        count = len(self._at)
        if not count:
            return
        windows = list(self._windows)
        if self._known is not None:
            windows.extend(self._known(min(self._at) - _MARGIN_MS, max(self._at) + _MARGIN_MS))
        merged = merge(windows)
        starts = [start for start, _end in merged]
        for position in range(count):
            at = self._at[position]
            slot = bisect.bisect_right(starts, at) - 1
            if slot < 0 or at > merged[slot][1]:
                self.dropped += 1
                continue
            kind, offset = self._tags[self._tag[position]]
            source, metric = self._kinds[kind]
            moment = (_EPOCH + timedelta(milliseconds=at)).astimezone(fixed_zone(offset))
            self.kept += 1
            yield MetricSample(source, metric, moment, moment, self._value[position])
        self._at, self._value, self._tag = array("q"), array("d"), array("I")

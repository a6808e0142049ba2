"""What sleep needs is kept and the rest skipped: heart rate only in and 30 minutes
around sleep, daily resting heart rate and HRV always, other record types never
parsed.

What is tested: the window filter on its own (known answers at the window edges,
windows the journal already holds), and an Apple export with all-day heart rate,
resting heart rate and HRV through the import.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kratom_journal.importers.window_filter import MARGIN, NearSleep
from kratom_journal.services.wearables import import_wearable
from kratom_journal.sleep.samples import Metric, MetricSample, SleepSample, SourceRef, Stage
from kratom_journal.store.wearable_tables import WearableSample
from tests.importers import real_shapes as shapes
from tests.importers import real_shapes_more as more

WATCH = SourceRef("apple-health", "Apple Watch")
PLUS1 = timezone(timedelta(hours=1))
BED = datetime(2024, 3, 11, 23, 0, tzinfo=PLUS1)
RISE = BED + timedelta(hours=7)


def reading(at: datetime, metric: Metric = Metric.HEART_RATE) -> MetricSample:
    return MetricSample(WATCH, metric, at, at, 60.0)


def test_heart_rate_is_kept_in_and_thirty_minutes_around_sleep():
    inside = [BED - MARGIN, BED + timedelta(hours=3), RISE + MARGIN]
    outside = [BED - MARGIN - timedelta(seconds=1), RISE + MARGIN + timedelta(seconds=1)]
    daily = [reading(BED - timedelta(hours=9), Metric.RESTING_HEART_RATE),
             reading(BED - timedelta(hours=9), Metric.HRV_SDNN)]  # fmt: skip
    items = [reading(t) for t in inside + outside] + daily
    items.append(SleepSample(WATCH, BED, RISE, Stage.LIGHT))
    near = NearSleep()
    kept = list(near.filter(items))
    assert near.dropped == 2
    assert sorted(r.start for r in kept if isinstance(r, MetricSample)
                  and r.metric is Metric.HEART_RATE) == inside  # fmt: skip
    assert all(r in kept for r in daily)
    assert [r.start.utcoffset() for r in kept if isinstance(r, MetricSample)] == [
        PLUS1.utcoffset(None)
    ] * 5


def test_windows_the_journal_holds_keep_heart_rate_imported_later():
    start_ms = int(BED.timestamp() * 1000)
    asked: list[tuple[int, int]] = []

    def known(first: int, last: int) -> list[tuple[int, int]]:
        asked.append((first, last))
        return [(start_ms, start_ms + 7 * 3_600_000)]

    near = NearSleep(known)
    kept = list(near.filter([reading(BED + timedelta(hours=2)), reading(BED - timedelta(hours=5))]))
    assert [r.start for r in kept] == [BED + timedelta(hours=2)] and near.dropped == 1
    assert len(asked) == 1


def test_all_day_heart_rate_in_an_apple_export(journal, tmp_path):
    night = shapes.NIGHTS[0]
    day = [night.bed - timedelta(hours=h) for h in range(2, 14)]  # daytime readings
    near = [night.bed - timedelta(minutes=20), night.bed + timedelta(hours=2), night.out]
    extra = "".join(
        f' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch" '
        f'unit="count/min" startDate="{more.apple_time(t)}" endDate="{more.apple_time(t)}" '
        f'value="{70 if t in day else 55}"/>\n'
        for t in day + near
    )
    extra += (
        f' <Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Apple Watch" '
        f'unit="count/min" startDate="{more.apple_time(day[-1])}" '
        f'endDate="{more.apple_time(day[-1])}" value="52"/>\n'
        f' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" '
        f'startDate="{more.apple_time(day[0])}" endDate="{more.apple_time(day[0])}" value="120"/>\n'
    )
    path = shapes.write(tmp_path / "export.xml", more.apple_xml(shapes.NIGHTS[:1], extra=extra))
    summary = import_wearable(journal, None, path)
    assert "12 heart and breathing rate readings away from sleep were not kept" in summary.line()
    with journal.session() as session:
        kinds = sorted(row.kind for row in session.query(WearableSample) if row.value is not None)
    assert kinds == ["heart_rate"] * 3 + ["resting_heart_rate"]

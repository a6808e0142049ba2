"""Apple Health: both readers, all sleep values, DTD quirks, control characters, truncation."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from kratom_journal.demo import synthetic
from kratom_journal.importers import apple_health
from kratom_journal.importers.safe_input import InputRejected
from kratom_journal.sleep.nights import derive_nights
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    Stage,
)


def split(items: Iterable[Record | ParseIssue]) -> tuple[list[Record], list[ParseIssue]]:
    found: list[Record] = []
    problems: list[ParseIssue] = []
    for item in items:
        (problems if isinstance(item, ParseIssue) else found).append(item)
    return found, problems


def test_zip_and_bare_xml_give_the_same_records(tmp_path, three_nights, apple_zip):
    bare = synthetic.write_apple_health(tmp_path / "export.xml", three_nights)
    from_zip, zip_issues = split(apple_health.parse(apple_zip))
    from_xml, xml_issues = split(apple_health.parse(bare))
    assert zip_issues == [] and xml_issues == []
    assert from_zip == from_xml
    metrics = {r.metric for r in from_zip if isinstance(r, MetricSample)}
    assert metrics == {
        Metric.HEART_RATE,
        Metric.HRV_SDNN,
        Metric.RESTING_HEART_RATE,
        Metric.RESPIRATORY_RATE,
    }


def test_fast_reader_matches_full_parser(apple_zip):
    fast, _ = split(apple_health.parse(apple_zip))
    full, _ = split(apple_health.parse(apple_zip, full=True))
    assert fast == full and len(fast) > 300


def test_localized_name_and_cda_file_ignored(tmp_path, three_nights):
    path = synthetic.write_apple_health(
        tmp_path / "Export.zip", three_nights, xml_name="exportar.xml"
    )
    with zipfile.ZipFile(path) as archive:
        assert "apple_health_export/export_cda.xml" in archive.namelist()
    found, problems = split(apple_health.parse(path))
    assert problems == [] and found


def test_unzipped_folder(tmp_path, three_nights):
    folder = tmp_path / "apple_health_export"
    folder.mkdir()
    synthetic.write_apple_health(folder / "export.xml", three_nights)
    found, problems = split(apple_health.parse(folder))
    assert problems == [] and found


def test_watch_night_golden(tmp_path, three_nights, apple_zip):
    """The watch's staged night wins over the phone and a third-party app, counted once."""
    found, _ = split(apple_health.parse(apple_zip))
    sleep = [r for r in found if isinstance(r, SleepSample)]
    metrics = [r for r in found if isinstance(r, MetricSample)]
    nights = derive_nights(sleep, metrics)
    chosen = [n for n in nights if n.chosen]
    assert [n.night for n in chosen] == [t.night for t in three_nights]
    for night, truth in zip(chosen, three_nights, strict=True):
        assert night.source.name == "Apple Watch"
        asleep = sum(
            ((end - start) for stage, start, end in truth.segments if stage is not Stage.AWAKE),
            timedelta(),
        )
        assert night.total_sleep_min == pytest.approx(asleep.total_seconds() / 60, abs=0.1)
        in_bed = (truth.out_at - truth.bed_at).total_seconds() / 60
        assert night.time_in_bed_min == pytest.approx(in_bed, abs=0.1)
        assert night.total_sleep_min <= night.time_in_bed_min
        assert night.stages is not None and night.stages.deep > 0
        assert night.sleep_onset_latency_min == pytest.approx(
            (truth.segments[0][2] - truth.segments[0][1]).total_seconds() / 60, abs=0.1
        )
        assert night.heart_rate_mean is not None and 48 <= night.heart_rate_min <= 68
        assert night.hrv_sdnn_mean is not None
    assert {n.source.name for n in nights if not n.chosen} == {"AutoSleep", "Anna’s iPhone"}


def test_every_sleep_value_across_ios_versions(tmp_path):
    values = [
        "HKCategoryValueSleepAnalysisInBed",
        "HKCategoryValueSleepAnalysisAsleep",
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        "HKCategoryValueSleepAnalysisAwake",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM",
    ]
    body = "".join(
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
        f'startDate="2024-01-01 23:{i:02d}:00 +0100" endDate="2024-01-01 23:{i + 1:02d}:00 +0100" '
        f'value="{value}"/>\n'
        for i, value in enumerate(values)
    )
    path = tmp_path / "export.xml"
    path.write_text(_document(body))
    found, problems = split(apple_health.parse(path))
    assert problems == []
    assert [r.stage for r in found if isinstance(r, SleepSample)] == [
        Stage.IN_BED,
        Stage.ASLEEP_UNSPECIFIED,
        Stage.ASLEEP_UNSPECIFIED,
        Stage.AWAKE,
        Stage.LIGHT,
        Stage.DEEP,
        Stage.REM,
    ]


def test_legacy_paired_samples_count_once(tmp_path, three_nights):
    path = synthetic.write_apple_health(
        tmp_path / "old.zip",
        three_nights,
        synthetic.AppleOptions(legacy_values=True, iphone_in_bed=False, third_party=False),
    )
    found, _ = split(apple_health.parse(path))
    nights = [
        n for n in derive_nights([r for r in found if isinstance(r, SleepSample)]) if n.chosen
    ]
    for night, truth in zip(nights, three_nights, strict=True):
        asleep = sum(
            ((end - start) for stage, start, end in truth.segments if stage is not Stage.AWAKE),
            timedelta(),
        )
        assert night.total_sleep_min == pytest.approx(asleep.total_seconds() / 60, abs=0.1)
        assert night.stages is None


def test_broken_ios16_dtd_is_read(tmp_path, three_nights):
    path = synthetic.write_apple_health(
        tmp_path / "export.xml", three_nights, synthetic.AppleOptions(broken_dtd=True)
    )
    for full in (False, True):
        found, problems = split(apple_health.parse(path, full=full))
        assert problems == [] and len(found) > 300


def test_control_character_reported_with_line_and_column(tmp_path, three_nights):
    path = synthetic.write_apple_health(
        tmp_path / "export.xml", three_nights, synthetic.AppleOptions(control_char=True)
    )
    lines = path.read_bytes().split(b"\n")
    line_no = next(i for i, line in enumerate(lines, 1) if b"\x0b" in line)
    column = lines[line_no - 1].index(b"\x0b") + 1
    for full in (False, True):
        found, problems = split(apple_health.parse(path, full=full))
        first = problems[0]
        assert (first.line, first.column, first.severity) == (line_no, column, "warning")
        assert "0x0b" in first.describe()
        assert any(isinstance(r, MetricSample) and r.source.name == "AppleWatch" for r in found)


def test_truncated_export_reports_and_keeps_what_was_read(tmp_path, three_nights):
    path = synthetic.write_apple_health(tmp_path / "export.xml", three_nights)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    for full in (False, True):
        found, problems = split(apple_health.parse(path, full=full))
        assert found
        assert problems[-1].severity == "error" and "truncated" in problems[-1].message


def test_truncated_zip_is_one_clear_error(tmp_path, apple_zip):
    data = apple_zip.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputRejected) as caught:
        list(apple_health.parse(cut))
    assert "cut.zip" in str(caught.value) and "\n" not in str(caught.value)


def test_not_an_export(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><rss><channel/></rss>')
    with pytest.raises(InputRejected, match="no Apple Health export"):
        list(apple_health.parse(path))


def test_bad_values_are_issues_not_crashes(tmp_path):
    body = (
        ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" '
        'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-01 23:00:00 +0100" value="fast"/>\n'
        ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" '
        'startDate="yesterday" endDate="2024-01-01 23:00:00 +0100" value="60"/>\n'
        ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
        'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-01 23:30:00 +0100" value="Nap"/>\n'
    )
    path = tmp_path / "export.xml"
    path.write_text(_document(body))
    for full in (False, True):
        found, problems = split(apple_health.parse(path, full=full))
        assert found == []
        assert [p.line for p in problems] == [6, 7, 8]


def test_attribute_order_quotes_and_comments_fall_back_to_full_parser(tmp_path):
    body = (
        ' <!-- <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="ghost" '
        'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-01 23:00:00 +0100" '
        'value="1"/> -->\n'
        " <Record sourceName='A &amp; B' value='61' type='HKQuantityTypeIdentifierHeartRate' "
        "endDate='2024-01-01 23:00:00 +0100' startDate='2024-01-01 23:00:00 +0100'/>\n"
    )
    path = tmp_path / "export.xml"
    path.write_text(_document(body))
    fast, _ = split(apple_health.parse(path))
    full, _ = split(apple_health.parse(path, full=True))
    assert fast == full
    assert [r.source.name for r in fast] == ["A & B"]


def _document(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n]>\n"
        f'<HealthData locale="en_US">\n{body}</HealthData>\n'
    )


@pytest.fixture
def document():
    return _document


def test_parse_time_keeps_the_offset():
    moment = apple_health.parse_time("2024-03-10 01:30:00 -0800")
    assert moment.utcoffset() == timedelta(hours=-8)
    with pytest.raises(ValueError):
        apple_health.parse_time("2024-03-10 01:30:00")


def test_find_export_requires_healthdata(tmp_path: Path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("apple_health_export/notes.xml", "<notes/>")
    with pytest.raises(InputRejected):
        list(apple_health.parse(path))


@pytest.mark.parametrize("read_size", [61, 97, 4096])
def test_tiny_reads_split_tags_anywhere(tmp_path, three_nights, monkeypatch, read_size):
    path = synthetic.write_apple_health(
        tmp_path / "export.xml",
        three_nights,
        synthetic.AppleOptions(
            extra_body=(
                ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="a>b" '
                'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-01 23:00:00 +0100" '
                'value="61"/>\n'
            )
        ),
    )
    expected, _ = split(apple_health.parse(path, full=True))
    monkeypatch.setattr(apple_health, "READ_SIZE", read_size)
    found, problems = split(apple_health.parse(path))
    assert problems == []
    assert found == expected

"""Samsung Health "Download personal data" sleep files (CSV).

The stage file is named ``com.samsung.health.sleep_stage.<stamp>.csv`` in real
exports (``com.samsung.shealth.sleep_stage…`` in some older ones) and the sessions
``com.samsung.shealth.sleep.<stamp>.csv``; either may come alone. Line 1 of each is
a metadata preamble (``com.samsung.health.sleep_stage,7006011,7``); the header is
line 2, its column names may carry a ``com.samsung.health.sleep.`` style prefix,
and data lines end with a stray comma. Times are UTC without an offset, with the
local offset in ``time_offset`` (``UTC+0200``). Sessions become in-bed spans and
stages lie on top of them: the two are never added. ``pkg_name`` says which app
recorded a row (Samsung Health itself or, for example, Sleep as Android), and each
app is its own source.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import read_text_lines
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.sleep.samples import ParseIssue, Record, SleepSample, SourceRef, Stage

VENDOR: Final = "samsung"
SOURCE: Final = SourceRef(VENDOR, "Samsung Health")
STAGES: Final[dict[str, Stage]] = {
    "40001": Stage.AWAKE,
    "40002": Stage.LIGHT,
    "40003": Stage.DEEP,
    "40004": Stage.REM,
}
STAGE_FILE = re.compile(r"com\.samsung\.s?health\.sleep_stage\.[^/]*\.csv$", re.IGNORECASE)
SESSION_FILE = re.compile(r"com\.samsung\.s?health\.sleep\.\d[^/]*\.csv$", re.IGNORECASE)
PREAMBLE = re.compile(rb"^(\xef\xbb\xbf)?com\.samsung\.s?health\.sleep(_stage)?,")
OWN_PACKAGE: Final = "com.sec.android.app.shealth"
OFFSET = re.compile(r"^UTC([+-])(\d{2}):?(\d{2})$")


def members(bundle: InputBundle) -> list[Member]:
    """The Samsung sleep and sleep-stage files of a bundle (detection uses this too)."""
    return bundle.find(
        lambda m: (
            bool(STAGE_FILE.search(m.name) or SESSION_FILE.search(m.name))
            or (m.name.lower().endswith(".csv") and bool(PREAMBLE.match(bundle.head(m, 256))))
        )
    )


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:  # noqa: ARG001
    """Yield in-bed spans and stage samples from Samsung Health sleep CSV files.

    ``zone`` (every importer's signature) is unused: Samsung writes UTC times with their offsets.
    """
    with InputBundle(Path(path)) as bundle:
        found = members(bundle)
        if not found:
            raise InputRejected(
                bundle.label, "no Samsung Health sleep files found (com.samsung.health.sleep*.csv)"
            )
        for member in found:
            yield from _file(bundle, member)


def _file(bundle: InputBundle, member: Member) -> Iterator[Record | ParseIssue]:
    label = bundle.display(member)
    lines = list(read_text_lines(bundle, member))
    if len(lines) < 2 or not lines[0].startswith("com.samsung"):
        yield ParseIssue(label, "expected a Samsung Health CSV (line 1 'com.samsung.shealth…')")
        return
    # One line at a time, so an unclosed quote cannot shift the line numbers reported.
    rows = [next(csv.reader([line]), []) for line in lines[1:]]
    header = [name.rsplit(".", 1)[-1].strip().lower() for name in rows[0]]
    stage_file = "stage" in header
    needed = ["start_time", "end_time", "time_offset"] + (["stage"] if stage_file else [])
    missing = [name for name in needed if name not in header]
    if missing:
        yield ParseIssue(label, f"header on line 2 lacks {', '.join(missing)}", line=2)
        return
    column = {name: header.index(name) for name in needed}
    package = header.index("pkg_name") if "pkg_name" in header else None
    for line_no, row in enumerate(rows[1:], 3):
        if not any(cell.strip() for cell in row):
            continue
        try:
            cells = {name: row[index].strip() for name, index in column.items()}
            source = _source(
                row[package].strip() if package is not None and package < len(row) else ""
            )
            tz = _offset(cells["time_offset"])
            start = _utc(cells["start_time"]).astimezone(tz)
            end = _utc(cells["end_time"]).astimezone(tz)
        except (IndexError, ValueError) as error:
            yield ParseIssue(label, f"unreadable row ({error})", line=line_no)
            continue
        if end < start:
            yield ParseIssue(label, "row ends before it starts", line=line_no)
            continue
        if stage_file:
            stage = STAGES.get(cells["stage"])
            if stage is None:
                yield ParseIssue(label, f"unknown stage code {cells['stage']!r}", line=line_no)
                continue
            yield SleepSample(source, start, end, stage)
        else:
            yield SleepSample(source, start, end, Stage.IN_BED)


@cache
def _source(package: str) -> SourceRef:
    if not package or package == OWN_PACKAGE:
        return SOURCE
    return SourceRef(VENDOR, package)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _offset(text: str) -> timezone:
    match = OFFSET.match(text)
    if match is None:
        raise ValueError(f"time_offset {text!r} is not like 'UTC+0200'")
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))

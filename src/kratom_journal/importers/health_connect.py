"""Android Health Connect export (``Health Connect.zip`` → ``health_connect_export.db``).

The export is a SQLite database, opened by :mod:`~kratom_journal.importers.sqlite_input`
so it is never written. Its schema is probed first, so any other SQLite file (a
Gadgetbridge database, say) is not taken for one, and is refused with one clear
message when named as Health Connect.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Final

from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.sqlite_input import connect, is_sqlite, schema
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SourceRef,
    Stage,
)

VENDOR: Final = "health-connect"
STAGE_TYPES: Final[dict[int, Stage]] = {
    0: Stage.UNKNOWN,
    1: Stage.AWAKE,
    2: Stage.ASLEEP_UNSPECIFIED,
    3: Stage.OUT_OF_BED,
    4: Stage.LIGHT,
    5: Stage.DEEP,
    6: Stage.REM,
    7: Stage.AWAKE,
}
REQUIRED: Final = {
    "sleep_session_record_table": {"row_id", "start_time", "end_time", "start_zone_offset"},
    "sleep_stages_table": {"parent_key", "stage_start_time", "stage_end_time", "stage_type"},
}


def problem(bundle: InputBundle, member: Member) -> str | None:
    """Why a member is not a Health Connect export, or ``None`` when it is one."""
    found = schema(bundle, member)
    if isinstance(found, str):
        return found
    for table, needed in REQUIRED.items():
        if table not in found:
            return f"not a Health Connect export (no table {table!r})"
        missing = needed - found[table]
        if missing:
            return f"table {table!r} lacks columns {', '.join(sorted(missing))}"
    return None


def members(bundle: InputBundle) -> list[Member]:
    """The Health Connect databases of a bundle (detection uses this too)."""
    return bundle.find(
        lambda m: (
            (bundle.kind == "file" or m.name.lower().endswith(".db"))
            and is_sqlite(bundle, m)
            and problem(bundle, m) is None
        )
    )


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:  # noqa: ARG001
    """Yield sleep stages, in-bed spans and heart rate from a Health Connect export.

    ``zone`` (every importer's signature) is unused: its records carry their UTC offsets.
    """
    with InputBundle(Path(path)) as bundle:
        found = members(bundle)
        if not found:
            if bundle.kind == "file":
                (only,) = bundle.members()
                raise InputRejected(bundle.label, problem(bundle, only) or "not a database")
            raise InputRejected(bundle.label, "no Health Connect .db file found")
        for member in found:
            label = bundle.display(member)
            with closing(connect(bundle, member)) as db:
                yield from _read(db, label)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}


def _apps(db: sqlite3.Connection) -> dict[int, str]:
    if "app_name" not in _columns(db, "application_info_table"):
        return {}
    rows = db.execute("SELECT row_id, COALESCE(app_name, package_name) FROM application_info_table")
    return {int(row_id): str(name) for row_id, name in rows if name}


def _source(apps: dict[int, str], app_id: object) -> SourceRef:
    name = apps.get(app_id) if isinstance(app_id, int) else None
    return SourceRef(VENDOR, name or "Health Connect")


def _at(epoch_ms: object, offset_s: object) -> datetime:
    if not isinstance(epoch_ms, int | float) or isinstance(epoch_ms, bool):
        raise ValueError(f"time {epoch_ms!r} is not epoch milliseconds")
    seconds = offset_s if isinstance(offset_s, int) and abs(offset_s) <= 18 * 3600 else 0
    return datetime.fromtimestamp(epoch_ms / 1000, timezone(timedelta(seconds=seconds)))


def _read(db: sqlite3.Connection, label: str) -> Iterator[Record | ParseIssue]:
    try:
        apps = _apps(db)
        session_cols = _columns(db, "sleep_session_record_table")
        app_col = "app_info_id" if "app_info_id" in session_cols else "NULL"
        end_offset = "end_zone_offset" if "end_zone_offset" in session_cols else "start_zone_offset"
        sessions = db.execute(
            f"SELECT row_id, start_time, end_time, start_zone_offset, {end_offset}, {app_col} "
            "FROM sleep_session_record_table ORDER BY start_time"
        ).fetchall()
        for row_id, start_ms, end_ms, start_off, end_off, app_id in sessions:
            source = _source(apps, app_id)
            try:
                start, end = _at(start_ms, start_off), _at(end_ms, end_off)
            except (ValueError, OverflowError, OSError) as error:
                yield ParseIssue(label, f"sleep session {row_id}: {error}", record=row_id)
                continue
            if end < start:
                yield ParseIssue(label, f"sleep session {row_id} ends before it starts")
                continue
            yield SleepSample(source, start, end, Stage.IN_BED)
            stages = db.execute(
                "SELECT stage_start_time, stage_end_time, stage_type FROM sleep_stages_table "
                "WHERE parent_key = ? ORDER BY stage_start_time",
                (row_id,),
            )
            for stage_start, stage_end, stage_type in stages:
                stage = STAGE_TYPES.get(stage_type) if isinstance(stage_type, int) else None
                try:
                    begin, finish = _at(stage_start, start_off), _at(stage_end, start_off)
                except (ValueError, OverflowError, OSError) as error:
                    yield ParseIssue(label, f"sleep session {row_id} stage: {error}")
                    continue
                if stage is None or finish < begin:
                    yield ParseIssue(label, f"sleep session {row_id}: unreadable stage row")
                    continue
                yield SleepSample(source, begin, finish.astimezone(end.tzinfo), stage)
        yield from _heart(db, label, apps)
    except sqlite3.DatabaseError as error:
        yield ParseIssue(label, f"database error ({error})")


def _heart(
    db: sqlite3.Connection, label: str, apps: dict[int, str]
) -> Iterator[Record | ParseIssue]:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"heart_rate_record_table", "heart_rate_record_series_table"} <= tables:
        return
    parent_cols = _columns(db, "heart_rate_record_table")
    app_col = "p.app_info_id" if "app_info_id" in parent_cols else "NULL"
    offset_col = "p.start_zone_offset" if "start_zone_offset" in parent_cols else "0"
    rows = db.execute(
        f"SELECT s.epoch_millis, s.beats_per_minute, {offset_col}, {app_col} "
        "FROM heart_rate_record_series_table s "
        "JOIN heart_rate_record_table p ON s.parent_key = p.row_id ORDER BY s.epoch_millis"
    )
    for epoch_ms, bpm, offset, app_id in rows:
        if not isinstance(bpm, int | float) or not 0 < bpm < 300:
            yield ParseIssue(label, f"heart rate {bpm!r} out of range")
            continue
        try:
            moment = _at(epoch_ms, offset)
        except (ValueError, OverflowError, OSError) as error:
            yield ParseIssue(label, f"heart rate: {error}")
            continue
        yield MetricSample(_source(apps, app_id), Metric.HEART_RATE, moment, moment, float(bpm))

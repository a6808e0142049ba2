"""Analysis-ready tidy tables: one row per night, dose, check-in, side effect, questionnaire item.

``kj export --format parquet DIR`` writes Parquet files, ``kj export --format
tidy-csv DIR`` the same tables as CSV (the journal's own ``--format csv`` keeps
its import-ready layout). Both write ``data_dictionary.csv``, one row per
column with its type, unit and meaning; Parquet files also carry each column's
description in the field metadata.

Times are given twice: local ISO 8601 with the offset the entry was logged
with, and UTC. Missing values are empty (CSV) or null (Parquet), never zero.
Deleted entries are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from kratom_journal.domain.entries import (
    Dose,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    night_of,
)
from kratom_journal.domain.errors import InvalidEntry, InvalidInput
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal, StoredEntry


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    unit: str
    description: str


def _c(name: str, kind: pa.DataType, unit: str, description: str) -> Column:
    return Column(name, kind, unit, description)


_TS = pa.timestamp("us", tz="UTC")
_ID = _c("entry_id", pa.string(), "", "Journal id of the entry (stable across exports)")

TABLES: dict[str, list[Column]] = {
    "nights": [
        _ID,
        _c("night", pa.date32(), "date", "Date of the evening the night began"),
        _c("zone", pa.string(), "", "IANA time zone the night was logged in"),
        _c("bed_at", pa.string(), "ISO 8601 local", "Got into bed (CSD item 1)"),
        _c("tried_at", pa.string(), "ISO 8601 local", "Tried to go to sleep (CSD item 2)"),
        _c("sol_min", pa.int32(), "min", "Sleep onset latency (CSD item 3)"),
        _c("awakenings", pa.int32(), "count", "Awakenings, not counting the final one (item 4)"),
        _c("waso_min", pa.int32(), "min", "Minutes awake after sleep onset (CSD item 5)"),
        _c("final_wake_at", pa.string(), "ISO 8601 local", "Final awakening (CSD item 6)"),
        _c("out_of_bed_at", pa.string(), "ISO 8601 local", "Got out of bed (CSD item 7)"),
        _c("bed_at_utc", _TS, "UTC", "Got into bed, in UTC"),
        _c("out_of_bed_at_utc", _TS, "UTC", "Got out of bed, in UTC"),
        _c("quality", pa.int32(), "1-5", "Sleep quality, 1 very poor to 5 very good (item 8)"),
        _c("nap_count", pa.int32(), "count", "Naps the day before (null: not asked/answered)"),
        _c("nap_min", pa.int32(), "min", "Total nap minutes the day before"),
        _c("tib_min", pa.float64(), "min", "Time in bed = out of bed - into bed"),
        _c(
            "tst_min",
            pa.float64(),
            "min",
            "Total sleep time = (final awakening - tried to sleep) - SOL - WASO",
        ),
        _c("se_pct", pa.float64(), "%", "Sleep efficiency = 100 x TST / TIB"),
        _c("twak_min", pa.float64(), "min", "Terminal wakefulness = out of bed - final awakening"),
        _c("note", pa.string(), "", "Free-text note"),
    ],
    "doses": [
        _ID,
        _c("taken_at", pa.string(), "ISO 8601 local", "When the dose was taken"),
        _c("taken_at_utc", _TS, "UTC", "When the dose was taken, in UTC"),
        _c("local_date", pa.date32(), "date", "Calendar day of the dose, local clock"),
        _c(
            "night",
            pa.date32(),
            "date",
            "Night the dose belongs to (before 12:00 = the previous evening's night)",
        ),
        _c(
            "substance",
            pa.string(),
            "",
            "kratom, caffeine, alcohol, melatonin, cannabis, medication:<name>, other:<name>",
        ),
        _c("amount", pa.float64(), "see unit", "Amount as logged"),
        _c("unit", pa.string(), "", "g, mg, capsule, ml, standard_drink, cup"),
        _c("grams", pa.float64(), "g", "Amount in grams where the unit allows it"),
        _c("form", pa.string(), "", "powder, capsule, extract, tea, 7-oh, other"),
        _c("strain", pa.string(), "", "Strain label exactly as written"),
        _c("strain_key", pa.string(), "", "Normalized strain key used to group labels"),
        _c("product", pa.string(), "", "Product or vendor name"),
        _c("seven_oh", pa.bool_(), "", "True for concentrated 7-hydroxymitragynine products"),
        _c("zone", pa.string(), "", "IANA time zone the dose was logged in"),
        _c("note", pa.string(), "", "Free-text note"),
    ],
    "checkins": [
        _ID,
        _c("at", pa.string(), "ISO 8601 local", "Time of the check-in"),
        _c("at_utc", _TS, "UTC", "Time of the check-in, in UTC"),
        _c("local_date", pa.date32(), "date", "Calendar day, local clock"),
        _c("mood", pa.int32(), "0-10", "Mood, 0 worst to 10 best (not a validated scale)"),
        _c("anxiety", pa.int32(), "0-10", "Anxiety, 0 none to 10 (not a validated scale)"),
        _c("energy", pa.int32(), "0-10", "Energy, 0 to 10 (not a validated scale)"),
        _c("zone", pa.string(), "", "IANA time zone"),
        _c("note", pa.string(), "", "Free-text note"),
    ],
    "side_effects": [
        _ID,
        _c("at", pa.string(), "ISO 8601 local", "Time the side effect was logged for"),
        _c("at_utc", _TS, "UTC", "Same, in UTC"),
        _c("local_date", pa.date32(), "date", "Calendar day, local clock"),
        _c("symptom", pa.string(), "", "Symptom name"),
        _c("severity", pa.int32(), "0-3", "0 none, 1 mild, 2 moderate, 3 severe"),
        _c("zone", pa.string(), "", "IANA time zone"),
        _c("note", pa.string(), "", "Free-text note"),
    ],
    "questionnaires": [
        _c("administration_id", pa.string(), "", "Journal id of the administration"),
        _c("instrument_id", pa.string(), "", "phq9, gad7, sows, ..."),
        _c("administered_at", pa.string(), "ISO 8601 local", "When it was answered"),
        _c("administered_at_utc", _TS, "UTC", "Same, in UTC"),
        _c("total", pa.int32(), "points", "Total score (null when the scoring rule gives none)"),
        _c("band", pa.string(), "", "Severity band of the total"),
        _c(
            "safety_flag",
            pa.bool_(),
            "",
            "True when an answer called for crisis resources (e.g. PHQ-9 item 9 > 0)",
        ),
    ],
    "questionnaire_items": [
        _c("administration_id", pa.string(), "", "Journal id of the administration"),
        _c("instrument_id", pa.string(), "", "phq9, gad7, sows, ..."),
        _c("administered_at", pa.string(), "ISO 8601 local", "When it was answered"),
        _c("item_id", pa.string(), "", "Item id within the instrument (e.g. 9)"),
        _c("item_loinc", pa.string(), "", "LOINC code of the item, where one exists"),
        _c("scored", pa.bool_(), "", "False for unscored items such as the PHQ-9 difficulty"),
        _c("value", pa.int32(), "points", "Answer score (null: not answered)"),
        _c("answer_label", pa.string(), "", "Answer wording"),
        _c("answer_loinc", pa.string(), "", "LOINC answer code (LA...), where one exists"),
    ],
    "wearable_nights": [
        _c("night", pa.date32(), "date", "Date of the evening the night began"),
        _c("source", pa.string(), "", "Device or app the night comes from (the preferred one)"),
        _c("other_sources", pa.string(), "", "Other sources with the same night, ; separated"),
        _c("bed_at", pa.string(), "ISO 8601 local", "Start of the recorded sleep period"),
        _c("out_at", pa.string(), "ISO 8601 local", "End of the recorded sleep period"),
        _c("time_in_bed_min", pa.float64(), "min", "Recorded period length (device estimate)"),
        _c("total_sleep_min", pa.float64(), "min", "Total sleep (device estimate)"),
        _c("sleep_onset_latency_min", pa.float64(), "min", "Sleep onset latency (device)"),
        _c("waso_min", pa.float64(), "min", "Wake after sleep onset (device estimate)"),
        _c("awakenings", pa.int32(), "count", "Awakenings (device estimate)"),
        _c("deep_min", pa.float64(), "min", "Deep sleep (device estimate)"),
        _c("light_min", pa.float64(), "min", "Light sleep (device estimate)"),
        _c("rem_min", pa.float64(), "min", "REM sleep (device estimate)"),
        _c("heart_rate_mean_bpm", pa.float64(), "1/min", "Mean heart rate during the night"),
        _c("hrv_rmssd_ms", pa.float64(), "ms", "Mean heart-rate variability (RMSSD)"),
    ],
}
"""Every table and column the tidy export writes; the data dictionary is built from it."""


# --- rows ----------------------------------------------------------------------------------


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def _live(journal: Journal, kind: Kind) -> list[StoredEntry]:
    return journal.entries.list(kind=kind)


def _night_metrics(entry: SleepDiaryEntry) -> dict[str, float | None]:
    names = ("tib_min", "tst_min", "se_pct", "twak_min")
    try:
        metrics = night_metrics(entry)
    except InvalidEntry:
        return dict.fromkeys(names)
    return {name: getattr(metrics, name, None) for name in names}


def night_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.SLEEP):
        e = stored.entry
        if not isinstance(e, SleepDiaryEntry):
            continue
        rows.append(
            {
                "entry_id": stored.id,
                "night": e.night,
                "zone": e.zone,
                "bed_at": e.bed_at.isoformat(),
                "tried_at": e.tried_at.isoformat(),
                "sol_min": e.sol_min,
                "awakenings": e.awakenings,
                "waso_min": e.waso_min,
                "final_wake_at": e.final_wake_at.isoformat(),
                "out_of_bed_at": e.out_of_bed_at.isoformat(),
                "bed_at_utc": _utc(e.bed_at),
                "out_of_bed_at_utc": _utc(e.out_of_bed_at),
                "quality": e.quality,
                "nap_count": e.nap_count,
                "nap_min": e.nap_min,
                **_night_metrics(e),
                "note": e.note,
            }
        )
    return rows


def dose_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.DOSE):
        d = stored.entry
        if not isinstance(d, Dose):
            continue
        rows.append(
            {
                "entry_id": stored.id,
                "taken_at": d.taken_at.isoformat(),
                "taken_at_utc": _utc(d.taken_at),
                "local_date": d.taken_at.date(),
                "night": night_of(d.taken_at),
                "substance": d.substance,
                "amount": d.amount,
                "unit": d.unit.value,
                "grams": d.grams,
                "form": d.form.value if d.form else None,
                "strain": d.strain,
                "strain_key": d.strain_key,
                "product": d.product,
                "seven_oh": d.is_seven_oh,
                "zone": d.zone,
                "note": d.note,
            }
        )
    return rows


def checkin_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.MOOD):
        m = stored.entry
        if isinstance(m, MoodCheckin):
            rows.append(
                {
                    "entry_id": stored.id,
                    "at": m.at.isoformat(),
                    "at_utc": _utc(m.at),
                    "local_date": m.at.date(),
                    "mood": m.mood,
                    "anxiety": m.anxiety,
                    "energy": m.energy,
                    "zone": m.zone,
                    "note": m.note,
                }
            )
    return rows


def side_effect_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.SIDE_EFFECT):
        s = stored.entry
        if isinstance(s, SideEffect):
            rows.append(
                {
                    "entry_id": stored.id,
                    "at": s.at.isoformat(),
                    "at_utc": _utc(s.at),
                    "local_date": s.at.date(),
                    "symptom": s.symptom.value,
                    "severity": s.severity,
                    "zone": s.zone,
                    "note": s.note,
                }
            )
    return rows


def _administrations(journal: Journal) -> list[Any]:
    return list(list_administrations(journal))


def questionnaire_rows(journal: Journal) -> list[dict[str, Any]]:
    return [
        {
            "administration_id": a.id,
            "instrument_id": a.instrument.id,
            "administered_at": a.administered_at.isoformat(),
            "administered_at_utc": _utc(a.administered_at),
            "total": a.result.total,
            "band": a.result.band,
            "safety_flag": bool(a.result.crisis),
        }
        for a in _administrations(journal)
    ]


def questionnaire_item_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for a in _administrations(journal):
        instrument = a.instrument
        for item in instrument.items:
            value = a.answers.get(item.id)
            option = (
                next(
                    (o for o in instrument.response_sets[item.response_set] if o.value == value),
                    None,
                )
                if value is not None
                else None
            )
            rows.append(
                {
                    "administration_id": a.id,
                    "instrument_id": instrument.id,
                    "administered_at": a.administered_at.isoformat(),
                    "item_id": item.id,
                    "item_loinc": item.loinc,
                    "scored": bool(item.scored),
                    "value": value,
                    "answer_label": option.label if option else None,
                    "answer_loinc": option.loinc if option else None,
                }
            )
    return rows


def wearable_night_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for night, others in list_nights(journal):
        stages = night.stages
        rows.append(
            {
                "night": night.night,
                "source": night.source.label,
                "other_sources": "; ".join(o.source.label for o in others) or None,
                "bed_at": night.bed_at.isoformat(),
                "out_at": night.out_at.isoformat(),
                "time_in_bed_min": night.time_in_bed_min,
                "total_sleep_min": night.total_sleep_min,
                "sleep_onset_latency_min": night.sleep_onset_latency_min,
                "waso_min": night.waso_min,
                "awakenings": night.awakenings,
                "deep_min": stages.deep if stages else None,
                "light_min": stages.light if stages else None,
                "rem_min": stages.rem if stages else None,
                "heart_rate_mean_bpm": night.heart_rate_mean,
                "hrv_rmssd_ms": night.hrv_rmssd_mean,
            }
        )
    return rows


ROW_BUILDERS: dict[str, Callable[[Journal], list[dict[str, Any]]]] = {
    "nights": night_rows,
    "doses": dose_rows,
    "checkins": checkin_rows,
    "side_effects": side_effect_rows,
    "questionnaires": questionnaire_rows,
    "questionnaire_items": questionnaire_item_rows,
    "wearable_nights": wearable_night_rows,
}


# --- writing -------------------------------------------------------------------------------


def schema_of(table: str) -> pa.Schema:
    """The Arrow schema of a table, each field carrying its unit and description."""
    return pa.schema(
        [
            pa.field(c.name, c.type, metadata={"unit": c.unit, "description": c.description})
            for c in TABLES[table]
        ]
    )


def data_dictionary_rows() -> list[dict[str, str]]:
    return [
        {
            "table": table,
            "column": c.name,
            "type": str(c.type),
            "unit": c.unit,
            "description": c.description,
        }
        for table, columns in TABLES.items()
        for c in columns
    ]


def _csv_text(fieldnames: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 4))
    return value


def export_tidy(journal: Journal, folder: Path, fmt: str) -> dict[str, int]:
    """Write every table (``fmt`` is ``parquet`` or ``csv``) and the data dictionary.

    All files are written under temporary names first and renamed at the end,
    so a failure leaves no half-written table.
    """
    if fmt not in {"parquet", "csv"}:
        raise InvalidInput(f"unknown tidy format {fmt!r}; expected parquet or csv")
    if folder.suffix.lower() in {".parquet", ".csv", ".json"}:
        raise InvalidInput(f"{folder}: the tidy export writes several files; give a folder")
    folder.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []
    counts: dict[str, int] = {}
    for table, build in ROW_BUILDERS.items():
        rows = build(journal)
        counts[table] = len(rows)
        target = folder / f"{table}.{fmt}"
        temporary = folder / f".{target.name}.partial"
        if fmt == "parquet":
            import pyarrow.parquet as pq

            arrow = pa.Table.from_pylist(rows, schema=schema_of(table))
            pq.write_table(arrow, temporary)
        else:
            temporary.write_text(
                _csv_text([c.name for c in TABLES[table]], rows), encoding="utf-8", newline=""
            )
        pending.append((temporary, target))
    dictionary = folder / "data_dictionary.csv"
    temporary = folder / ".data_dictionary.csv.partial"
    temporary.write_text(
        _csv_text(["table", "column", "type", "unit", "description"], data_dictionary_rows()),
        encoding="utf-8",
        newline="",
    )
    pending.append((temporary, dictionary))
    for temporary, target in pending:
        temporary.replace(target)
    return counts


def export_parquet(journal: Journal, folder: Path) -> str:
    counts = export_tidy(journal, folder, "parquet")
    return _summary("Parquet", counts, folder)


def export_tidy_csv(journal: Journal, folder: Path) -> str:
    counts = export_tidy(journal, folder, "csv")
    return _summary("tidy CSV", counts, folder)


def _summary(kind: str, counts: dict[str, int], folder: Path) -> str:
    listed = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in counts.items())
    return f"Wrote {kind} tables ({listed}) and data_dictionary.csv to {folder}"

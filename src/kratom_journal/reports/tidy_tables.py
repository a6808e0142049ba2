"""Analysis-ready tidy tables: one row per night, dose, check-in, side effect, questionnaire item.

``kj export --format parquet DIR`` writes Parquet files, ``kj export --format
tidy-csv DIR`` the same tables as CSV (the journal's own ``--format csv`` keeps
its import-ready layout). Both write ``data_dictionary.csv``, one row per
column with its type, unit and meaning; Parquet files also carry each column's
description in the field metadata.

Times are given twice: local ISO 8601 with the offset the entry was logged
with, and UTC. Missing values are empty (CSV) or null (Parquet), never zero.
Deleted entries are left out.

Dates of doses, check-ins and side effects are journal days (04:00 to 04:00
local time, :mod:`kratom_journal.domain.days`), the days every analysis uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    unit: str
    description: str


def _c(name: str, kind: pa.DataType, unit: str, description: str) -> Column:
    return Column(name, kind, unit, description)


_TS = pa.timestamp("us", tz="UTC")
JOURNAL_DAY = "Journal day: 04:00 to 04:00 on the local clock the entry was logged with"
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
        _c("journal_day", pa.date32(), "date", JOURNAL_DAY),
        _c(
            "night",
            pa.date32(),
            "date",
            "Night whose noon-to-noon window holds the dose (before 12:00: the previous evening's)",
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
        _c("journal_day", pa.date32(), "date", JOURNAL_DAY),
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
        _c("journal_day", pa.date32(), "date", JOURNAL_DAY),
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

"""Tidy tables (Parquet and CSV) and their data dictionary."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kratom_journal.reports.tidy_export import export_tidy
from kratom_journal.reports.tidy_tables import TABLES
from kratom_journal.store.journal import Journal


def test_parquet_tables_have_one_row_per_entry_and_described_columns(
    three_nights: Journal, tmp_path: Path
) -> None:
    counts = export_tidy(three_nights, tmp_path, "parquet")
    assert counts["nights"] == 3 and counts["doses"] == 6 and counts["checkins"] == 3
    nights = pq.read_table(tmp_path / "nights.parquet")
    assert nights.num_rows == 3
    assert nights.column_names == [c.name for c in TABLES["nights"]]
    assert nights.column("sol_min").to_pylist() == [10, 30, 50]
    field = nights.schema.field("sol_min")
    assert field.metadata[b"unit"] == b"min"
    doses = pq.read_table(tmp_path / "doses.parquet").to_pylist()
    kratom = [d for d in doses if d["substance"] == "kratom"]
    assert kratom[0]["grams"] == 3.0 and kratom[0]["form"] == "powder"
    assert kratom[0]["taken_at"] == "2025-06-02T20:30:00+02:00"
    assert str(kratom[0]["taken_at_utc"]) == "2025-06-02 18:30:00+00:00"
    coffee = [d for d in doses if d["substance"] == "caffeine"][0]
    assert str(coffee["night"]) == "2025-06-02"  # 08:00 belongs to the night before
    assert not list(tmp_path.glob(".*partial"))


def test_tidy_csv_and_dictionary_cover_every_column(three_nights: Journal, tmp_path: Path) -> None:
    export_tidy(three_nights, tmp_path, "csv")
    with (tmp_path / "data_dictionary.csv").open(encoding="utf-8") as handle:
        dictionary = list(csv.DictReader(handle))
    described = {(row["table"], row["column"]) for row in dictionary}
    for table, columns in TABLES.items():
        with (tmp_path / f"{table}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [c.name for c in columns]
        assert {(table, name) for name in header} <= described
    assert all(row["description"] for row in dictionary)
    with (tmp_path / "nights.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["nap_count"] == ""  # missing stays missing, never zero
    assert rows[0]["bed_at_utc"] == "2025-06-02T20:30:00Z"


@pytest.mark.usefixtures("three_nights")
def test_cli_formats_and_a_file_name_is_refused(kj, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = kj("export", "--format", "tidy-csv", str(tmp_path / "tables"))
    assert result.exit_code == 0, result.output
    assert "Wrote tidy CSV tables (3 nights, 6 doses" in result.output
    result = kj("export", "--format", "parquet", str(tmp_path / "x.parquet"))
    assert result.exit_code == 1
    assert "give a folder" in result.output


def test_unknown_tidy_format(three_nights: Journal, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="parquet or csv"):
        export_tidy(three_nights, tmp_path, "xlsx")


def test_questionnaire_items_one_row_per_item(three_nights: Journal, tmp_path: Path) -> None:
    from datetime import date

    from kratom_journal.instruments import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from tests.reports.conftest import at

    answers = {str(i): 2 for i in range(1, 8)}
    record_administration(
        three_nights,
        shipped_instrument("gad7"),
        answers,
        at(date(2025, 6, 4), "09:00", "Europe/Berlin"),
        "Europe/Berlin",
    )
    export_tidy(three_nights, tmp_path, "parquet")
    items = pq.read_table(tmp_path / "questionnaire_items.parquet").to_pylist()
    assert len(items) == 8  # seven scored items and the unanswered difficulty item
    first = items[0]
    assert (first["item_id"], first["item_loinc"], first["value"], first["answer_loinc"]) == (
        "1",
        "69725-0",
        2,
        "LA6570-1",
    )
    assert items[-1]["item_id"] == "difficulty" and items[-1]["value"] is None
    (total,) = pq.read_table(tmp_path / "questionnaires.parquet").to_pylist()
    assert total["total"] == 14 and total["band"] == "moderate" and not total["safety_flag"]

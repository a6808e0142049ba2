"""Hostile journal files through the CSV and JSON imports: refused by name or stored right.

What is tested, each case against a journal that already holds entries: the import
either refuses with ``ImportFailed`` whose every problem names the file and the line
or entry (and the field), the journal's JSON export staying byte-for-byte as before,
or it stores the value correctly. Cases: 100,000 nested ``[``, a 100 MB note (written
to disk in a stream), a 10 KB strain, a huge setting, bad settings (zone ``Mars``,
region ``<script>``, an unknown key), the same id under two kinds and an empty id,
years 0001 and 9999, a local time in a DST gap and an ambiguous one, ``1_0`` grams,
invisible characters in strain names, and formula cells (stored as text, exported
neutralised, round trip lossless); the JSON and CSV exports run no write statement.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from kratom_journal.domain.entries import Dose, MoodCheckin, Unit
from kratom_journal.domain.spreadsheet import restore_cell
from kratom_journal.services import transfer
from kratom_journal.services.import_summary import ImportFailed
from kratom_journal.store.journal import Journal, open_journal

DOSE_HEADER = ["taken_at", "substance", "amount", "unit", "form", "strain", "product", "note"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)", "\t=1+2", "\r=1+2", "'quoted"]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    opened = open_journal(tmp_path / "journal.sqlite3")
    opened.settings.set("timezone", "Europe/Berlin")
    opened.entries.add(Dose(datetime(2026, 11, 1, 9, tzinfo=UTC), 3.0, Unit.G, strain="Red Bali"))
    opened.entries.add(MoodCheckin(datetime(2026, 11, 1, 20, tzinfo=UTC), mood=6))
    return opened


def snapshot(journal: Journal) -> str:
    document = transfer.export_document(journal)
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def refused(journal: Journal, run: Any, file: Path, *words: str) -> list[str]:
    """Run an import that must be refused; the journal is unchanged and each problem named."""
    before = snapshot(journal)
    with pytest.raises(ImportFailed) as failure:
        run()
    assert snapshot(journal) == before
    problems = failure.value.problems
    assert problems and all(p.startswith(str(file)) for p in problems), problems
    for word in words:
        assert any(word in p for p in problems), (word, problems)
    return problems


def write_doses(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(DOSE_HEADER)
        out.writerows(rows)
    return path


def dose_row(taken_at: str = "2026-10-01T09:00", **cells: str) -> list[str]:
    values = {"substance": "kratom", "amount": "2", "unit": "g", "form": "powder"}
    values.update(cells)
    return [taken_at, *(values.get(name, "") for name in DOSE_HEADER[1:])]


def exported(journal: Journal, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "export.json"
    transfer.export_json(journal, path)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# --- JSON --------------------------------------------------------------------------------------


def test_deep_nesting_is_refused_without_a_traceback(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "nested.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, "nested too deeply")


def test_a_100_mb_note_is_refused_by_field(journal: Journal, tmp_path: Path) -> None:
    document = exported(journal, tmp_path)
    entry = copy.deepcopy(document["entries"][0])
    entry["id"] = "1" * 32
    path = tmp_path / "huge-note.json"
    head, tail = json.dumps({**document, "entries": [entry]}).split('"note": null', 1)
    with path.open("w", encoding="utf-8") as handle:  # streamed: one 1 MB chunk at a time
        handle.write(head + '"note": "')
        for _ in range(100):
            handle.write("n" * 1024 * 1024)
        handle.write('"' + tail)
    problems = refused(journal, lambda: transfer.import_json(journal, path), path, "entry 1")
    assert "note: is too long (104857600 characters; at most 20000)" in problems[0]


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "sparse.json"
    with path.open("wb") as handle:  # sparse: no disk or memory spent on it
        handle.truncate(transfer.MAX_JSON_BYTES + 1)
    refused(journal, lambda: transfer.import_json(journal, path), path, "at most 256 MiB")


def test_a_10_kb_name_and_a_huge_setting_are_refused(journal: Journal, tmp_path: Path) -> None:
    document = exported(journal, tmp_path)
    entry = copy.deepcopy(document["entries"][0])
    entry["id"], entry["data"]["strain"] = "2" * 32, "s" * 10_240
    document["entries"] = [entry]
    document["settings"] = {"timezone": "Z" * 1_000_000}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    problems = refused(
        journal, lambda: transfer.import_json(journal, path), path, "setting timezone"
    )
    assert any("entry 1: strain: is too long" in p for p in problems)
    assert all(len(p) < 400 for p in problems), "messages quote a bounded part of the value"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"timezone": "Mars"}, "setting timezone"),
        ({"region": "<script>"}, "setting region"),
        ({"colour_of_sky": "blue"}, "setting 'colour_of_sky': unknown"),
        ({"timezone": 5}, "setting timezone: expected text"),
    ],
)
def test_bad_settings_inside_a_file_are_refused(
    journal: Journal, tmp_path: Path, settings: dict[str, object], named: str
) -> None:
    document = exported(journal, tmp_path)
    document["settings"] = settings
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, named)


def test_one_id_under_two_kinds_and_an_empty_id_are_refused(
    journal: Journal, tmp_path: Path
) -> None:
    document = exported(journal, tmp_path)
    dose, mood = (copy.deepcopy(e) for e in document["entries"])
    dose["id"] = mood["id"] = "a" * 32
    path = tmp_path / "ids.json"
    path.write_text(json.dumps({**document, "entries": [dose, mood]}), encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, "entry 2", "id")
    empty = copy.deepcopy(dose)
    empty["id"] = "  "
    path.write_text(json.dumps({**document, "entries": [empty]}), encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, "id: must not be empty")


def test_a_taken_id_of_another_kind_in_the_journal_is_refused(
    journal: Journal, tmp_path: Path
) -> None:
    document = exported(journal, tmp_path)
    dose, mood = (copy.deepcopy(e) for e in document["entries"])
    mood["id"] = dose["id"]
    path = tmp_path / "taken.json"
    path.write_text(json.dumps({**document, "entries": [mood]}), encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, "already used")


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_extreme_years_in_json_are_refused(journal: Journal, tmp_path: Path, year: str) -> None:
    document = exported(journal, tmp_path)
    entry = copy.deepcopy(document["entries"][0])
    entry["id"] = "3" * 32
    entry["data"]["taken_at"] = f"{year}-01-01T09:00:00+00:00"
    path = tmp_path / f"year-{year}.json"
    path.write_text(json.dumps({**document, "entries": [entry]}), encoding="utf-8")
    refused(journal, lambda: transfer.import_json(journal, path), path, "entry 1")


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("taken_at", ["0001-01-01T09:00", "9999-12-31T23:59"])
def test_extreme_years_in_csv_are_refused_by_line(
    journal: Journal, tmp_path: Path, taken_at: str
) -> None:
    path = write_doses(tmp_path / "doses.csv", [dose_row(), dose_row(taken_at)])
    refused(journal, lambda: transfer.import_csv(journal, [path]), path, f"{path}:3:", "taken_at")


def test_a_time_in_the_spring_gap_is_refused_and_a_repeated_one_resolved_with_a_note(
    journal: Journal, tmp_path: Path
) -> None:
    path = write_doses(tmp_path / "gap.csv", [dose_row("2026-03-29T02:30")])
    refused(journal, lambda: transfer.import_csv(journal, [path]), path, ":2:", "taken_at")
    path = write_doses(tmp_path / "fold.csv", [dose_row("2026-10-25T02:30")])
    summary = transfer.import_csv(journal, [path])
    assert summary.added == 1
    assert summary.notes == [
        "fold.csv:2: 2026-10-25 02:30 happens twice in Europe/Berlin (clocks go back); "
        "read as the first, +0200"
    ]


@pytest.mark.parametrize("amount", ["1_0", "١٢", "nan", "1e400"])
def test_loose_numbers_are_refused_by_field(journal: Journal, tmp_path: Path, amount: str) -> None:
    path = write_doses(tmp_path / "numbers.csv", [dose_row(amount=amount)])
    refused(journal, lambda: transfer.import_csv(journal, [path]), path, ":2:", "amount")


def test_a_10_kb_strain_and_a_huge_cell_are_refused_by_line(
    journal: Journal, tmp_path: Path
) -> None:
    path = write_doses(tmp_path / "long.csv", [dose_row(strain="s" * 10_240)])
    refused(journal, lambda: transfer.import_csv(journal, [path]), path, ":2:", "strain")
    path = write_doses(tmp_path / "huge.csv", [dose_row(note="n" * 2_000_000)])
    refused(journal, lambda: transfer.import_csv(journal, [path]), path)


def test_invisible_characters_make_no_second_strain(journal: Journal, tmp_path: Path) -> None:
    names = ["Red\u200bBali", "\ufeffRed Bali", "Red\u00a0Bali\u00ad", "Red\u200c Bali\u200d"]
    rows = [dose_row(f"2026-10-0{i + 1}T09:00", strain=name) for i, name in enumerate(names)]
    transfer.import_csv(journal, [write_doses(tmp_path / "invisible.csv", rows)])
    doses = [s.entry for s in journal.entries.list() if isinstance(s.entry, Dose)]
    assert {d.strain for d in doses} == {"Red Bali"}
    assert {d.strain_key for d in doses} == {"red-bali"}


def test_formula_cells_are_stored_as_text_and_exported_neutralised(
    journal: Journal, tmp_path: Path
) -> None:
    rows = [
        dose_row(f"2026-10-{i + 1:02d}T09:00", strain=f"s{i}", note=text)
        for i, text in enumerate(FORMULAS)
    ]
    transfer.import_csv(journal, [write_doses(tmp_path / "formulas.csv", rows)])
    notes = {s.entry.note for s in journal.entries.list() if isinstance(s.entry, Dose)}
    # A leading quote is the CSV sign of "text" (as a spreadsheet reads it) and is removed.
    stored = {restore_cell(text) for text in FORMULAS}
    assert stored <= notes
    out = tmp_path / "out"
    transfer.export_csv(journal, out)
    for name in ("doses.csv", "mood.csv"):
        with (out / name).open(encoding="utf-8", newline="") as handle:
            for row in list(csv.reader(handle))[1:]:
                for cell in row:
                    if cell.startswith(("=", "+", "@", "\t", "\r")):
                        pytest.fail(f"{name}: a cell would run as a formula: {cell!r}")
                    if cell.startswith("-"):
                        float(cell)  # only a plain negative number may start with -
    document = exported(journal, tmp_path)
    assert stored <= {e["data"].get("note") for e in document["entries"]}
    again = open_journal(tmp_path / "again.sqlite3")
    again.settings.set("timezone", "Europe/Berlin")
    transfer.import_csv(again, [out])
    back = {s.entry.note for s in again.entries.list() if isinstance(s.entry, Dose)}
    assert back == notes


def test_exports_never_write_to_the_journal(journal: Journal, tmp_path: Path) -> None:
    writes: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(journal.engine, "before_cursor_execute", watch)
    transfer.export_json(journal, tmp_path / "export.json")
    transfer.export_csv(journal, tmp_path / "csv")
    event.remove(journal.engine, "before_cursor_execute", watch)
    assert writes == []

"""Hostile dates through the imports and the summaries: refused naming the record and
field, or stored and summarised without an error.

What is tested: CSV rows and JSON records (entries and questionnaire
administrations) dated 0001, 1900, 2099 or 9999-12-31 are refused with the file,
the record and the field named, and nothing is imported; the store itself refuses
an administration out of range; on a journal holding the earliest and latest
dates the store accepts (``tests.edge_dates``), the insights are made.
What is NOT tested: the faces (tests/web/test_hostile_dates_web.py,
tests/cli/test_hostile_dates_cli.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services import questionnaires, transfer
from kratom_journal.services.transfer import ImportFailed
from kratom_journal.store.journal import Journal, open_journal
from tests.edge_dates import fill_edges

DOSES = "taken_at,substance,amount,unit,form,strain,product,note\n"
NIGHTS = (
    "night,bed_at,tried_at,sol_min,awakenings,waso_min,final_wake_at,out_of_bed_at,quality,note\n"
)
HOSTILE = ["0001-01-01", "1900-01-01", "2099-05-01", "9999-12-31"]


@pytest.mark.parametrize("day", HOSTILE)
def test_a_csv_dose_on_a_hostile_day_is_refused_naming_the_row(
    journal: Journal, tmp_path: Path, day: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(DOSES + "2024-07-01T20:00,kratom,3,g,,,,\n" + f"{day}T21:30,kratom,3,g,,,,\n")
    with pytest.raises(ImportFailed) as refused:
        transfer.import_csv(journal, [path])
    (problem,) = refused.value.problems
    assert problem.startswith(f"{path}:3: taken_at: {day}")
    assert journal.entries.list() == []


@pytest.mark.parametrize("day", HOSTILE)
def test_a_csv_night_on_a_hostile_day_is_refused_naming_the_row(
    journal: Journal, tmp_path: Path, day: str
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(NIGHTS + f"{day},23:00,23:15,20,1,10,07:00,07:30,4,\n")
    with pytest.raises(ImportFailed) as refused:
        transfer.import_csv(journal, [path])
    (problem,) = refused.value.problems
    assert problem.startswith(f"{path}:2: ") and day in problem
    assert journal.entries.list() == []


def _export(journal: Journal, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    from kratom_journal.services import entries

    entries.log_mood(journal, 5, at="2024-05-01T10:00")
    phq9 = shipped_instrument("phq9")
    questionnaires.record_administration(
        journal,
        phq9,
        parse_answer_list(phq9, "0,0,0,0,0,0,0,0,1"),
        datetime(2024, 5, 1, tzinfo=UTC),
    )
    transfer.export_json(journal, tmp_path / "export.json")
    return json.loads((tmp_path / "export.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "stamp",
    [
        "0001-01-01T00:00:00+00:00",
        "1900-01-01T10:00:00+00:00",
        "2099-05-01T10:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59-05:00",
    ],
)
@pytest.mark.parametrize("section", ["entries", "questionnaires"])
def test_a_json_record_on_a_hostile_date_is_refused_naming_it(
    journal: Journal, tmp_path: Path, section: str, stamp: str
) -> None:
    document = _export(journal, tmp_path)
    record = document[section][0]
    if section == "entries":
        record["data"]["at"] = stamp
        record["id"] = "f" * 32
    else:
        record["administered_at"] = stamp
        record["id"] = "e" * 32
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document))
    fresh = open_journal(tmp_path / "fresh.sqlite3")
    try:
        with pytest.raises(ImportFailed) as refused:
            transfer.import_json(fresh, path)
        (problem,) = refused.value.problems
        expected = "entry 1" if section == "entries" else "questionnaire record 1"
        assert problem.startswith(f"{path}: ") and expected in problem, problem
        assert fresh.entries.list() == []
        assert questionnaires.list_administrations(fresh, "phq9") == []
    finally:
        fresh.close()


def test_the_store_refuses_an_administration_out_of_range(journal: Journal) -> None:
    phq9 = shipped_instrument("phq9")
    answers = parse_answer_list(phq9, "0,0,0,0,0,0,0,0,0")
    with pytest.raises(InvalidEntry) as refused:
        questionnaires.record_administration(
            journal, phq9, answers, datetime(9999, 12, 31, tzinfo=UTC)
        )
    assert refused.value.field == "at"
    assert questionnaires.list_administrations(journal, "phq9") == []


def test_the_insights_over_a_journal_at_the_edges_are_made(journal: Journal) -> None:
    from kratom_journal.services.insights import insight_rows

    fill_edges(journal)
    assert insight_rows(journal) is not None

"""Instrument files validate against the schema; user files are validated on load.

What is tested: every shipped file loads through the pydantic schema, has a
source and an as-of date, pins the LOINC codes of the published panels, and
broken user files are refused with one line naming the file and the problem.
What is NOT tested: the wording against the printed forms (checked by hand).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kratom_journal.instruments import (
    SHIPPED_IDS,
    InstrumentError,
    load_instrument_file,
    shipped_instrument,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "kratom_journal" / "data" / "instruments"


@pytest.mark.parametrize("instrument_id", SHIPPED_IDS)
def test_shipped_file_validates_and_has_source_and_date(instrument_id: str) -> None:
    instrument = load_instrument_file(DATA / f"{instrument_id}.json")
    assert instrument.id == instrument_id
    assert instrument.source.strip()
    assert instrument.as_of.year >= 2024
    assert instrument.citations


def test_every_file_in_the_folder_is_shipped() -> None:
    assert sorted(p.stem for p in DATA.glob("*.json")) == sorted(SHIPPED_IDS)


@pytest.mark.parametrize(
    ("instrument_id", "items", "low", "high"),
    [("phq9", 9, 0, 27), ("gad7", 7, 0, 21), ("sows", 16, 0, 64), ("kud", 11, 0, 11)],
)
def test_item_counts_and_ranges(instrument_id: str, items: int, low: int, high: int) -> None:
    instrument = shipped_instrument(instrument_id)
    assert len(instrument.scored_items) == items
    assert instrument.score_range == (low, high)


def test_phq9_loinc_codes_are_pinned() -> None:
    phq9 = shipped_instrument("phq9")
    codes = [item.loinc for item in phq9.scored_items]
    assert codes == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert phq9.loinc is not None and (phq9.loinc.panel, phq9.loinc.total) == ("44249-1", "44261-6")
    answers = [(o.value, o.loinc) for o in phq9.response_sets["frequency"]]
    assert answers == [(0, "LA6568-5"), (1, "LA6569-3"), (2, "LA6570-1"), (3, "LA6571-9")]


def test_gad7_loinc_codes_are_pinned_items_6_and_7_not_swapped() -> None:
    gad7 = shipped_instrument("gad7")
    codes = [item.loinc for item in gad7.scored_items]
    assert codes == ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
    assert gad7.item("6").text == "Becoming easily annoyed or irritable"
    assert gad7.loinc is not None and gad7.loinc.total == "70274-6"


def test_phq9_item9_wording_and_crisis_rule() -> None:
    phq9 = shipped_instrument("phq9")
    assert phq9.item("9").text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    rules = [(rule.item, rule.min_value, rule.action) for rule in phq9.safety]
    assert rules == [("9", 1, "crisis")]


def test_kud_is_labelled_a_screen_not_a_diagnosis() -> None:
    kud = shipped_instrument("kud")
    assert kud.kind == "screen"
    assert kud.disclaimer is not None and "not a diagnosis" in kud.disclaimer


def _valid_raw() -> dict:
    return json.loads((DATA / "gad7.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_user_supplied_file_is_accepted(tmp_path: Path) -> None:
    raw = _valid_raw()
    raw["id"] = "my_scale"
    assert load_instrument_file(_write(tmp_path, raw)).id == "my_scale"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["bands"].pop(1), "gap or overlap"),
        (lambda r: r["bands"][-1].update(max=30), "cover the score range 0-21"),
        (lambda r: r["items"][0].update(response_set="nope"), "unknown response set"),
        (lambda r: r["items"].append(dict(r["items"][0])), "unique"),
        (lambda r: r.pop("source"), "source"),
        (lambda r: r.update(as_of="someday"), "as_of"),
        (lambda r: r.update(surprise=1), "surprise"),
        (
            lambda r: r["safety"].append(
                {"item": "1", "min_value": 9, "action": "crisis", "reason": "x"}
            ),
            "never trigger",
        ),
        (
            lambda r: r["safety"].append(
                {"item": "99", "min_value": 1, "action": "crisis", "reason": "x"}
            ),
            "unknown item",
        ),
        (lambda r: r["subscales"][0].update(items=["1", "99"]), "unscored or unknown"),
        (
            lambda r: r["response_sets"]["frequency"].append({"value": 0, "label": "again"}),
            "repeats a value",
        ),
        (lambda r: r.update(id="Bad Id"), "id"),
    ],
)
def test_broken_user_file_is_refused_with_one_line(tmp_path: Path, change, message: str) -> None:
    raw = _valid_raw()
    change(raw)
    with pytest.raises(InstrumentError) as excinfo:
        load_instrument_file(_write(tmp_path, raw))
    text = str(excinfo.value)
    assert "custom.json" in text and message in text and "\n" not in text


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": 1,\n  oops\n}', encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"bad.json: line 3: not valid JSON"):
        load_instrument_file(path)


def test_unknown_shipped_instrument() -> None:
    with pytest.raises(InstrumentError, match="unknown instrument 'isi'"):
        shipped_instrument("isi")

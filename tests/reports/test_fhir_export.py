"""FHIR R4B export: every resource validates; codes and answers match the instrument files."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_journal.instruments import score, shipped_instrument
from kratom_journal.reports.fhir_bundle import answers_from_bundle, build_bundle
from kratom_journal.reports.fhir_common import LOINC, ORDINAL_VALUE
from kratom_journal.reports.fhir_questionnaires import questionnaire, questionnaire_response
from kratom_journal.services.questionnaires import Administration, record_administration
from kratom_journal.services.settings import set_setting
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal, open_journal
from tests.reports.conftest import at

PANEL_AND_TOTAL = {"phq9": ("44249-1", "44261-6"), "gad7": ("69737-5", "70274-6")}


def _resources(bundle: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _record(journal: Journal, instrument_id: str, answers: dict, when: datetime) -> Administration:  # type: ignore[type-arg]
    return record_administration(
        journal, shipped_instrument(instrument_id), answers, when, "Europe/Berlin"
    )


def _with_questionnaires(journal: Journal) -> Journal:
    day = date(2025, 6, 3)
    phq = {str(i): 1 for i in range(1, 10)} | {"9": 2, "difficulty": 1}
    _record(journal, "phq9", phq, at(day, "09:00", "Europe/Berlin"))
    _record(journal, "gad7", {str(i): 2 for i in range(1, 8)}, at(day, "09:05", "Europe/Berlin"))
    return journal


def test_every_resource_validates_and_bundle_reparses(three_nights: Journal) -> None:
    bundle = build_bundle(_with_questionnaires(three_nights))
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        parsed = model.model_validate(resource)
        assert parsed.id == resource["id"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    again = get_fhir_model_class("Bundle").model_validate_json(json.dumps(bundle))
    assert again.type == "collection"
    kinds = sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
    assert kinds == [
        "MedicationStatement",
        "Observation",
        "Patient",
        "Questionnaire",
        "QuestionnaireResponse",
    ]


def test_loinc_codes_and_answers_match_the_instrument_files(three_nights: Journal) -> None:
    bundle = build_bundle(_with_questionnaires(three_nights))
    observations = {o["id"]: o for o in _resources(bundle, "Observation")}
    panels = [o for o in observations.values() if o.get("hasMember")]
    assert len(panels) == 2
    for panel in panels:
        code = panel["code"]["coding"][0]["code"]
        instrument_id = next(k for k, v in PANEL_AND_TOTAL.items() if v[0] == code)
        instrument = shipped_instrument(instrument_id)
        assert instrument.loinc is not None and instrument.loinc.panel == code
        members = [
            observations[m["reference"].removeprefix("urn:uuid:")] for m in panel["hasMember"]
        ]
        totals = [
            m
            for m in members
            if m["code"]["coding"][0]["code"] == PANEL_AND_TOTAL[instrument_id][1]
        ]
        assert len(totals) == 1
        item_codes = {item.loinc: item for item in instrument.items if item.loinc}
        for member in members:
            assert member["derivedFrom"] == panel["derivedFrom"]
            coding = member["code"]["coding"][0]
            assert coding["system"] == LOINC
            if member in totals:
                continue
            item = item_codes[coding["code"]]
            answer = member["valueCodeableConcept"]["coding"][0]
            options = {o.label: o for o in instrument.response_sets[item.response_set]}
            option = options[answer["display"]]
            if option.loinc:
                assert answer == {"system": LOINC, "code": option.loinc, "display": option.label}
    phq_total = next(
        o for o in observations.values() if o["code"]["coding"][0]["code"] == "44261-6"
    )
    assert phq_total["valueQuantity"]["value"] == 10  # eight items at 1 and item 9 at 2
    gad_total = next(
        o for o in observations.values() if o["code"]["coding"][0]["code"] == "70274-6"
    )
    assert gad_total["valueQuantity"]["value"] == 14
    item9 = next(o for o in observations.values() if o["code"]["coding"][0]["code"] == "44260-8")
    assert item9["valueCodeableConcept"]["coding"][0]["code"] == "LA6570-1"


def test_questionnaire_options_carry_loinc_answer_codes_and_scores() -> None:
    phq = questionnaire(shipped_instrument("phq9"))
    assert phq["code"][0]["code"] == "44249-1"
    first = phq["item"][0]
    assert first["code"][0]["code"] == "44250-9"
    codes = [
        (o["valueCoding"]["code"], o["extension"][0]["valueDecimal"]) for o in first["answerOption"]
    ]
    assert codes == [("LA6568-5", 0), ("LA6569-3", 1), ("LA6570-1", 2), ("LA6571-9", 3)]
    assert first["answerOption"][0]["extension"][0]["url"] == ORDINAL_VALUE
    gad = questionnaire(shipped_instrument("gad7"))
    assert [i["code"][0]["code"] for i in gad["item"] if "code" in i] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


def test_sleep_duration_is_the_diary_total_sleep_time(three_nights: Journal) -> None:
    bundle = build_bundle(three_nights)
    sleep = [
        o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "93832-4"
    ]
    nights = [s.entry for s in three_nights.entries.list(kind=None)]
    expected = sorted(night_metrics(n).tst_min for n in nights if hasattr(n, "night"))
    assert sorted(o["valueQuantity"]["value"] for o in sleep) == expected
    assert all(o["valueQuantity"]["code"] == "min" for o in sleep)
    assert all(o["performer"][0]["reference"].startswith("urn:uuid:") for o in sleep)


def test_patient_has_only_what_the_person_chose(three_nights: Journal) -> None:
    patient = _resources(build_bundle(three_nights), "Patient")[0]
    assert set(patient) == {"resourceType", "id"}
    set_setting(three_nights, "patient-name", "  Sam   Doe ")
    set_setting(three_nights, "patient-birth-date", "1990-04-01")
    patient = _resources(build_bundle(three_nights), "Patient")[0]
    assert patient["name"] == [{"text": "Sam Doe"}]
    assert patient["birthDate"] == "1990-04-01"
    assert "gender" not in patient


def test_kratom_use_is_a_medication_statement_without_amounts(three_nights: Journal) -> None:
    now = datetime(2025, 6, 10, tzinfo=UTC)
    statements = _resources(build_bundle(three_nights, now), "MedicationStatement")
    kratom = [s for s in statements if "Kratom" in s["medicationCodeableConcept"]["text"]]
    assert len(kratom) == 1
    assert kratom[0]["status"] == "active"
    assert kratom[0]["dosage"][0]["text"].startswith("Logged 3 times on 3 days")
    assert " g" not in kratom[0]["dosage"][0]["text"]


def test_ids_are_stable_across_exports(three_nights: Journal) -> None:
    first = build_bundle(three_nights)
    second = build_bundle(three_nights)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


@pytest.mark.usefixtures("three_nights")
def test_cli_writes_a_bundle(kj, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "bundle.json"
    result = kj("export", "--format", "fhir", str(target))
    assert result.exit_code == 0, result.output
    assert "FHIR R4B Bundle" in result.output
    assert json.loads(target.read_text(encoding="utf-8"))["resourceType"] == "Bundle"


# --- round trips ---------------------------------------------------------------------------


def _answers_for(instrument_id: str) -> st.SearchStrategy[dict[str, int | None]]:
    instrument = shipped_instrument(instrument_id)
    fields = {}
    for item in instrument.items:
        values = st.sampled_from([o.value for o in instrument.response_sets[item.response_set]])
        fields[item.id] = st.none() | values
    return st.fixed_dictionaries(fields)


administrations = st.sampled_from(["phq9", "gad7"]).flatmap(
    lambda i: st.tuples(st.just(i), _answers_for(i))
)
moments = st.builds(
    lambda minutes, offset, micro: (
        datetime(2024, 3, 1, tzinfo=timezone(timedelta(minutes=offset)))
        + timedelta(minutes=minutes, microseconds=micro)
    ),
    st.integers(0, 60 * 24 * 400),
    st.sampled_from([-600, -300, 0, 60, 120, 345, 780]),
    st.sampled_from([0, 0, 250000]),
)


@given(administrations, moments)
def test_fhir_round_trips_answers_losslessly(pair: tuple, when: datetime) -> None:  # type: ignore[type-arg]
    instrument_id, answers = pair
    instrument = shipped_instrument(instrument_id)
    administration = Administration(
        "a" * 32, instrument, when, answers, score(instrument, answers), None
    )
    patient = {"resourceType": "Patient", "id": "00000000-0000-0000-0000-000000000001"}
    bundle = {
        "entry": [
            {"resource": questionnaire(instrument)},
            {"resource": questionnaire_response(administration, patient)},
        ]
    }
    get_fhir_model_class("QuestionnaireResponse").model_validate(bundle["entry"][1]["resource"])
    (back,) = answers_from_bundle(bundle)
    assert back == {
        "id": "a" * 32,
        "instrument_id": instrument_id,
        "administered_at": when,
        "answers": answers,
    }
    assert back["administered_at"].utcoffset() == when.utcoffset()


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(administrations, moments), min_size=1, max_size=3))
def test_json_export_import_then_fhir_keeps_every_answer(tmp_path_factory, items) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.services.transfer import export_json, import_json

    folder = tmp_path_factory.mktemp("round")
    source = open_journal(folder / "source.sqlite3")
    target = open_journal(folder / "target.sqlite3")
    try:
        recorded = [_record(source, i, answers, when) for (i, answers), when in items]
        export_json(source, folder / "export.json")
        summary = import_json(target, folder / "export.json")
        assert summary.added == len(recorded)
        again = import_json(target, folder / "export.json")
        assert again.added == 0  # idempotent
        back = {a["id"]: a for a in answers_from_bundle(build_bundle(target))}
        for administration in recorded:
            restored = back[administration.id]
            assert restored["answers"] == administration.answers
            assert restored["administered_at"] == administration.administered_at
            assert restored["instrument_id"] == administration.instrument.id
    finally:
        source.close()
        target.close()


def test_declared_medicine_is_a_medication_statement(three_nights: Journal) -> None:
    from kratom_journal.services.safety import declare_medicine, remove_medicine

    declare_medicine(three_nights, "sertraline", daily=True)
    declare_medicine(three_nights, "ibuprofen")
    remove_medicine(three_nights, "ibuprofen")
    statements = _resources(build_bundle(three_nights), "MedicationStatement")
    by_name = {s["medicationCodeableConcept"]["text"]: s for s in statements}
    assert by_name["sertraline"]["status"] == "active"
    assert by_name["sertraline"]["dosage"][0]["text"] == "taken daily"
    assert by_name["ibuprofen"]["status"] == "completed"
    assert "end" in by_name["ibuprofen"]["effectivePeriod"]

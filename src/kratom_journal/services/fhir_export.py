"""FHIR R4B export: one Bundle a clinic's system can take in.

The Bundle (type ``collection``) holds:

- a Patient with only the details the person chose to record
  (settings ``patient-name``, ``patient-birth-date``, ``patient-gender``);
- for each questionnaire used, a Questionnaire (items coded with LOINC where
  the instrument has codes, answer options with LOINC answer codes and their
  scores in the ``ordinalValue`` extension) and a QuestionnaireResponse per
  administration;
- ``survey`` Observations in the US Core screening-assessment pattern: a panel
  (PHQ-9 44249-1, GAD-7 69737-5) with ``hasMember`` item and total
  (44261-6, 70274-6) Observations, ``derivedFrom`` the QuestionnaireResponse;
- one Observation per diary night, LOINC 93832-4 sleep duration (the diary's
  total sleep time), performed by the Patient, method "self-report";
- MedicationStatements for declared medicines, for medicines logged as doses,
  and for kratom use grouped by form and strain label (how often, never how much
  to take).

Resource ids are derived from journal ids, so exporting twice gives the same ids.
Every resource is checked against the ``fhir.resources`` R4B models before the
file is written.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kratom_journal import __version__
from kratom_journal.domain.entries import Dose, Kind, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.report import person_details
from kratom_journal.services.safety import list_medicines
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOCAL_ANSWERS = "urn:kratom-journal:answer"
QUESTIONNAIRE_URL = "urn:kratom-journal:questionnaire:"
ADMINISTRATION_ID = "urn:kratom-journal:administration"
ENTRY_ID = "urn:kratom-journal:entry"
SLEEP_DURATION = "93832-4"
ACTIVE_WITHIN_DAYS = 14
"""A kratom MedicationStatement is ``active`` when a dose was logged in the last 14 days."""

_NAMESPACE = uuid.UUID("0b6a0f52-43e5-4b8e-9a55-5c8e1f6b1d27")
GENDERS = ("male", "female", "other", "unknown")


def resource_id(*parts: str) -> str:
    """A stable FHIR id (a UUID) for a journal object."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _when(instant: datetime) -> str:
    """FHIR dateTime with its offset; fractions of a second are kept when present."""
    return instant.isoformat()


# --- building the bundle -------------------------------------------------------------------


def build_bundle(journal: Journal, now: datetime | None = None) -> dict[str, Any]:
    """The whole journal as a FHIR R4B Bundle (a JSON-ready dict, already validated)."""
    moment = now or datetime.now(UTC)
    patient = patient_resource(journal)
    resources: list[dict[str, Any]] = [patient]
    resources.extend(questionnaire_resources(journal, patient))
    resources.extend(sleep_observations(journal, patient))
    resources.extend(wearable_observations(journal, patient))
    resources.extend(medication_statements(journal, patient, moment))
    bundle = {
        "resourceType": "Bundle",
        "id": resource_id("bundle", _when(moment)),
        "meta": {
            "tag": [
                {
                    "system": "urn:kratom-journal",
                    "code": "self-reported",
                    "display": f"Kratom Journal {__version__} export",
                }
            ]
        },
        "type": "collection",
        "timestamp": _when(moment),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    validate_bundle(bundle)
    return bundle


def patient_resource(journal: Journal) -> dict[str, Any]:
    """A Patient with only what the person put in their settings; an id alone otherwise."""
    details = person_details(journal)
    patient: dict[str, Any] = {"resourceType": "Patient", "id": resource_id("patient", journal.url)}
    if details.get("name"):
        patient["name"] = [{"text": details["name"]}]
    if details.get("birth_date"):
        patient["birthDate"] = details["birth_date"]
    gender = details.get("gender", "").lower()
    if gender in GENDERS:
        patient["gender"] = gender
    return patient


def _administrations(journal: Journal) -> list[Any]:
    return list(list_administrations(journal))


def questionnaire_resources(journal: Journal, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """Questionnaire, QuestionnaireResponse and survey Observations for every administration."""
    resources: list[dict[str, Any]] = []
    seen: set[str] = set()
    for administration in _administrations(journal):
        instrument = administration.instrument
        if instrument.id not in seen:
            seen.add(instrument.id)
            resources.append(questionnaire(instrument))
        response = questionnaire_response(administration, patient)
        resources.append(response)
        resources.extend(survey_observations(administration, patient, response))
    return resources


def _canonical(instrument: Any) -> str:
    return f"{QUESTIONNAIRE_URL}{instrument.id}"


def _answer_coding(instrument: Any, response_set: str, option: Any) -> dict[str, Any]:
    if option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": option.label}
    return {
        "system": f"{LOCAL_ANSWERS}:{instrument.id}:{response_set}",
        "code": str(option.value),
        "display": option.label,
    }


def _ordinal(value: int) -> list[dict[str, Any]]:
    return [{"url": ORDINAL_VALUE, "valueDecimal": value}]


def questionnaire(instrument: Any) -> dict[str, Any]:
    """The instrument as a FHIR Questionnaire, worded and coded as its file says."""
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.id,
            "text": item.text,
            "type": "choice",
            "required": bool(item.required),
            "answerOption": [
                {
                    "valueCoding": _answer_coding(instrument, item.response_set, option),
                    "extension": _ordinal(option.value),
                }
                for option in instrument.response_sets[item.response_set]
            ],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc, "display": item.text}]
        items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id("questionnaire", instrument.id, instrument.as_of.isoformat()),
        "url": _canonical(instrument),
        "version": instrument.as_of.isoformat(),
        "name": instrument.id.upper(),
        "title": instrument.name,
        "status": "active",
        "copyright": instrument.copyright,
        "description": instrument.instructions,
        "item": items,
    }
    if instrument.loinc and instrument.loinc.panel:
        resource["code"] = [
            {"system": LOINC, "code": instrument.loinc.panel, "display": instrument.name}
        ]
    return resource


def questionnaire_response(administration: Any, patient: dict[str, Any]) -> dict[str, Any]:
    """One administration's answers; unanswered items are left out, as FHIR expects."""
    instrument = administration.instrument
    items = []
    for item in instrument.items:
        value = administration.answers.get(item.id)
        if value is None:
            continue
        option = next(o for o in instrument.response_sets[item.response_set] if o.value == value)
        items.append(
            {
                "linkId": item.id,
                "text": item.text,
                "answer": [
                    {
                        "valueCoding": _answer_coding(instrument, item.response_set, option),
                        "extension": _ordinal(value),
                    }
                ],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id("administration", administration.id),
        "identifier": {"system": ADMINISTRATION_ID, "value": administration.id},
        "questionnaire": f"{_canonical(instrument)}|{instrument.as_of.isoformat()}",
        "status": "completed",
        "subject": _ref(patient),
        "author": _ref(patient),
        "source": _ref(patient),
        "authored": _when(administration.administered_at),
        "item": items,
    }


def _survey_category() -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}]


def survey_observations(
    administration: Any, patient: dict[str, Any], response: dict[str, Any]
) -> list[dict[str, Any]]:
    """Panel, item and total Observations (only for instruments with LOINC codes)."""
    instrument = administration.instrument
    if instrument.loinc is None or not instrument.loinc.panel:
        return []
    common = {
        "status": "final",
        "category": _survey_category(),
        "subject": _ref(patient),
        "performer": [_ref(patient)],
        "effectiveDateTime": _when(administration.administered_at),
        "derivedFrom": [_ref(response)],
    }
    members: list[dict[str, Any]] = []
    for item in instrument.items:
        value = administration.answers.get(item.id)
        if value is None or not item.loinc:
            continue
        option = next(o for o in instrument.response_sets[item.response_set] if o.value == value)
        members.append(
            {
                "resourceType": "Observation",
                "id": resource_id("administration", administration.id, "item", item.id),
                **common,
                "code": {"coding": [{"system": LOINC, "code": item.loinc, "display": item.text}]},
                "valueCodeableConcept": {
                    "coding": [_answer_coding(instrument, item.response_set, option)],
                    "text": f"{option.label} ({value})",
                },
            }
        )
    total = administration.result.total
    if total is not None and instrument.loinc.total:
        members.append(
            {
                "resourceType": "Observation",
                "id": resource_id("administration", administration.id, "total"),
                **common,
                "code": {
                    "coding": [
                        {
                            "system": LOINC,
                            "code": instrument.loinc.total,
                            "display": f"{instrument.short_name} total score",
                        }
                    ]
                },
                "valueQuantity": {
                    "value": total,
                    "unit": "{score}",
                    "system": UCUM,
                    "code": "{score}",
                },
                **(
                    {"interpretation": [{"text": administration.result.band}]}
                    if administration.result.band
                    else {}
                ),
            }
        )
    panel = {
        "resourceType": "Observation",
        "id": resource_id("administration", administration.id, "panel"),
        **common,
        "code": {
            "coding": [
                {"system": LOINC, "code": instrument.loinc.panel, "display": instrument.name}
            ]
        },
        "hasMember": [_ref(m) for m in members],
    }
    return [panel, *members]


def _sleep_minutes(entry: SleepDiaryEntry) -> float | None:
    try:
        value = night_metrics(entry).tst_min
    except InvalidEntry:
        return None
    return None if value is None else float(value)


def sleep_observations(journal: Journal, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """One sleep-duration Observation per diary night (total sleep time, self-reported)."""
    observations = []
    for stored in journal.entries.list(kind=Kind.SLEEP):
        entry = stored.entry
        if not isinstance(entry, SleepDiaryEntry):
            continue
        minutes = _sleep_minutes(entry)
        if minutes is None:
            continue
        observations.append(
            {
                "resourceType": "Observation",
                "id": resource_id("entry", stored.id, "tst"),
                "identifier": [{"system": ENTRY_ID, "value": stored.id}],
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": OBSERVATION_CATEGORY,
                                "code": "activity",
                                "display": "Activity",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {"system": LOINC, "code": SLEEP_DURATION, "display": "Sleep duration"}
                    ]
                },
                "subject": _ref(patient),
                "performer": [_ref(patient)],
                "method": {
                    "text": "Consensus Sleep Diary, self-report: total sleep time = "
                    "(final awakening - tried to sleep) - SOL - WASO"
                },
                "effectivePeriod": {
                    "start": _when(entry.tried_at),
                    "end": _when(entry.final_wake_at),
                },
                "valueQuantity": {
                    "value": round(minutes, 1),
                    "unit": "min",
                    "system": UCUM,
                    "code": "min",
                },
            }
        )
    return observations


def wearable_observations(journal: Journal, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """Sleep duration as estimated by a wearable, one Observation per night (preferred source)."""
    observations = []
    for night, _others in list_nights(journal):
        if night.total_sleep_min is None:
            continue
        label = night.source.label
        observations.append(
            {
                "resourceType": "Observation",
                "id": resource_id("wearable", night.night.isoformat(), label),
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": OBSERVATION_CATEGORY,
                                "code": "activity",
                                "display": "Activity",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {"system": LOINC, "code": SLEEP_DURATION, "display": "Sleep duration"}
                    ]
                },
                "subject": _ref(patient),
                "device": {"display": label},
                "method": {"text": f"Wearable estimate ({label})"},
                "effectivePeriod": {"start": _when(night.bed_at), "end": _when(night.out_at)},
                "valueQuantity": {
                    "value": round(float(night.total_sleep_min), 1),
                    "unit": "min",
                    "system": UCUM,
                    "code": "min",
                },
            }
        )
    return observations


# --- medication statements -----------------------------------------------------------------


def medication_statements(
    journal: Journal, patient: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Declared medicines, medicines logged as doses, and kratom use by form and strain."""
    statements = list(_declared_statements(journal, patient, now))
    doses = [s.entry for s in journal.entries.list(kind=Kind.DOSE) if isinstance(s.entry, Dose)]
    groups: dict[tuple[str, str], list[Dose]] = defaultdict(list)
    for dose in doses:
        if dose.substance == "kratom":
            form = dose.form.value if dose.form else "form not given"
            groups[("kratom", f"{form}|{dose.strain or ''}")].append(dose)
        elif dose.substance.startswith("medication:"):
            groups[("medication", dose.substance.split(":", 1)[1])].append(dose)
    last_day = max((d.taken_at.date() for d in doses), default=now.date())
    for (kind, key), items in sorted(groups.items()):
        statements.append(_logged_statement(kind, key, items, patient, now, last_day))
    return statements


def _declared_statements(
    journal: Journal, patient: dict[str, Any], now: datetime
) -> Iterable[dict[str, Any]]:
    for medicine in list_medicines(journal, include_removed=True):
        period: dict[str, str] = {"start": _when(medicine.added_at)}
        if medicine.removed_at:
            period["end"] = _when(medicine.removed_at)
        yield {
            "resourceType": "MedicationStatement",
            "id": resource_id("medicine", medicine.id),
            "status": "completed" if medicine.removed_at else "active",
            "medicationCodeableConcept": {"text": medicine.name},
            "subject": _ref(patient),
            "informationSource": _ref(patient),
            "dateAsserted": _when(now),
            "effectivePeriod": period,
            "dosage": [{"text": "taken daily" if medicine.daily else "taken as needed"}],
            "note": [{"text": "Declared by the person in Kratom Journal."}],
        }


def _logged_statement(
    kind: str,
    key: str,
    doses: list[Dose],
    patient: dict[str, Any],
    now: datetime,
    last_day: date,
) -> dict[str, Any]:
    first = min(d.taken_at for d in doses)
    last = max(d.taken_at for d in doses)
    days = len({d.taken_at.date() for d in doses})
    if kind == "kratom":
        form, strain = key.split("|", 1)
        name = f"Kratom (Mitragyna speciosa), {form}" + (f", labelled {strain!r}" if strain else "")
    else:
        name = key
    active = last.date() >= last_day - timedelta(days=ACTIVE_WITHIN_DAYS)
    return {
        "resourceType": "MedicationStatement",
        "id": resource_id("logged", kind, key),
        "status": "active" if active else "completed",
        "medicationCodeableConcept": {"text": name},
        "subject": _ref(patient),
        "informationSource": _ref(patient),
        "dateAsserted": _when(now),
        "effectivePeriod": {"start": _when(first), "end": _when(last)},
        "dosage": [
            {
                "text": f"Logged {len(doses)} times on {days} days between "
                f"{first.date()} and {last.date()} (self-reported use)."
            }
        ],
    }


# --- validation, writing, reading back -----------------------------------------------------


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Check the Bundle and each resource against the ``fhir.resources`` R4B models.

    Raises
    ------
    ValueError
        Naming the first resource that does not validate.
    """
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            raise ValueError(
                f"FHIR entry {index + 1} ({resource['resourceType']}): {exc.errors()[0]['msg']}"
            ) from None
    get_fhir_model_class("Bundle").model_validate(bundle)


def export_fhir(journal: Journal, path: Path) -> str:
    """Write the Bundle as JSON, atomically; returns a one-line summary."""
    bundle = build_bundle(journal)
    counts: dict[str, int] = defaultdict(int)
    for entry in bundle["entry"]:
        counts[entry["resource"]["resourceType"]] += 1
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)
    listed = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    return f"Wrote a FHIR R4B Bundle ({listed}) to {path}"


def answers_from_bundle(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Read questionnaire answers back from an exported Bundle.

    Returns one dict per QuestionnaireResponse: ``id`` (the journal's
    administration id), ``instrument_id``, ``administered_at`` and ``answers``
    (every item of the Questionnaire to its score, ``None`` when unanswered),
    the same values the journal stores.
    """
    resources = [entry["resource"] for entry in bundle.get("entry", [])]
    items_of = {
        f"{r['url']}|{r['version']}": [item["linkId"] for item in r.get("item", [])]
        for r in resources
        if r.get("resourceType") == "Questionnaire"
    }
    results = []
    for resource in resources:
        if resource.get("resourceType") != "QuestionnaireResponse":
            continue
        answers: dict[str, int | None] = dict.fromkeys(items_of[resource["questionnaire"]])
        for item in resource.get("item", []):
            ordinal = next(e for e in item["answer"][0]["extension"] if e["url"] == ORDINAL_VALUE)
            answers[item["linkId"]] = int(ordinal["valueDecimal"])
        canonical = resource["questionnaire"].split("|", 1)[0]
        results.append(
            {
                "id": resource["identifier"]["value"],
                "instrument_id": canonical.removeprefix(QUESTIONNAIRE_URL),
                "administered_at": datetime.fromisoformat(resource["authored"]),
                "answers": answers,
            }
        )
    return results

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
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kratom_journal import __version__
from kratom_journal.reports.fhir_common import (
    GENDERS,
    ORDINAL_VALUE,
    QUESTIONNAIRE_URL,
    resource_id,
    when,
)
from kratom_journal.reports.fhir_observations import (
    medication_statements,
    sleep_observations,
    wearable_observations,
)
from kratom_journal.reports.fhir_questionnaires import questionnaire_resources
from kratom_journal.services.report import person_details
from kratom_journal.store.journal import Journal
from kratom_journal.store.private_files import write_private


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
        "id": resource_id("bundle", when(moment)),
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
        "timestamp": when(moment),
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
    write_private(path, json.dumps(bundle, ensure_ascii=False, indent=1))
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

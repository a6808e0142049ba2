"""FHIR Questionnaires, QuestionnaireResponses and survey Observations of the administrations.

Items are coded with LOINC where the instrument has codes; answer options carry
LOINC answer codes and their scores in the ``ordinalValue`` extension; the
survey Observations follow the US Core screening-assessment pattern.
"""

from __future__ import annotations

from typing import Any

from kratom_journal.reports.fhir_common import (
    ADMINISTRATION_ID,
    LOCAL_ANSWERS,
    LOINC,
    OBSERVATION_CATEGORY,
    ORDINAL_VALUE,
    QUESTIONNAIRE_URL,
    UCUM,
    ref,
    resource_id,
    when,
)
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.store.journal import Journal


def questionnaire_resources(journal: Journal, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """Questionnaire, QuestionnaireResponse and survey Observations for every administration."""
    resources: list[dict[str, Any]] = []
    seen: set[str] = set()
    for administration in list_administrations(journal):
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
        "subject": ref(patient),
        "author": ref(patient),
        "source": ref(patient),
        "authored": when(administration.administered_at),
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
        "subject": ref(patient),
        "performer": [ref(patient)],
        "effectiveDateTime": when(administration.administered_at),
        "derivedFrom": [ref(response)],
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
        "hasMember": [ref(m) for m in members],
    }
    return [panel, *members]

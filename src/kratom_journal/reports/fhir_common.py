"""What every resource of the FHIR export shares: code systems, stable ids, references, times."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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


def ref(resource: dict[str, Any]) -> dict[str, str]:
    """A reference to a resource of the same Bundle."""
    return {"reference": f"urn:uuid:{resource['id']}"}


def when(instant: datetime) -> str:
    """FHIR dateTime with its offset; fractions of a second are kept when present."""
    return instant.isoformat()

"""FHIR Observations of sleep (diary and wearable) and MedicationStatements of what was taken.

Kratom use is grouped by form and strain label and told as how often it was
logged on how many journal days, never as an amount to take.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.reports.fhir_common import (
    ACTIVE_WITHIN_DAYS,
    ENTRY_ID,
    LOINC,
    OBSERVATION_CATEGORY,
    SLEEP_DURATION,
    UCUM,
    ref,
    resource_id,
    when,
)
from kratom_journal.services.entries import list_entries
from kratom_journal.services.safety import list_medicines
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal


def _sleep_minutes(entry: SleepDiaryEntry) -> float | None:
    try:
        value = night_metrics(entry).tst_min
    except InvalidEntry:
        return None
    return None if value is None else float(value)


def sleep_observations(journal: Journal, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """One sleep-duration Observation per diary night (total sleep time, self-reported)."""
    observations = []
    for stored in list_entries(journal, [Kind.SLEEP]):
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
                "subject": ref(patient),
                "performer": [ref(patient)],
                "method": {
                    "text": "Consensus Sleep Diary, self-report: total sleep time = "
                    "(final awakening - tried to sleep) - SOL - WASO"
                },
                "effectivePeriod": {
                    "start": when(entry.tried_at),
                    "end": when(entry.final_wake_at),
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
                "subject": ref(patient),
                "device": {"display": label},
                "method": {"text": f"Wearable estimate ({label})"},
                "effectivePeriod": {"start": when(night.bed_at), "end": when(night.out_at)},
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
    doses = [s.entry for s in list_entries(journal, [Kind.DOSE]) if isinstance(s.entry, Dose)]
    groups: dict[tuple[str, str], list[Dose]] = defaultdict(list)
    for dose in doses:
        if dose.substance == "kratom":
            form = dose.form.value if dose.form else "form not given"
            groups[("kratom", f"{form}|{dose.strain or ''}")].append(dose)
        elif dose.substance.startswith("medication:"):
            groups[("medication", dose.substance.split(":", 1)[1])].append(dose)
    last_day = max((_day(d) for d in doses), default=now.date())
    for (kind, key), items in sorted(groups.items()):
        statements.append(_logged_statement(kind, key, items, patient, now, last_day))
    return statements


def _day(dose: Dose) -> date:
    """The journal day of a dose (04:00 to 04:00 local time)."""
    return journal_day(dose.taken_at, dose.zone)


def _declared_statements(
    journal: Journal, patient: dict[str, Any], now: datetime
) -> Iterable[dict[str, Any]]:
    for medicine in list_medicines(journal, include_removed=True):
        period: dict[str, str] = {"start": when(medicine.added_at)}
        if medicine.removed_at:
            period["end"] = when(medicine.removed_at)
        yield {
            "resourceType": "MedicationStatement",
            "id": resource_id("medicine", medicine.id),
            "status": "completed" if medicine.removed_at else "active",
            "medicationCodeableConcept": {"text": medicine.name},
            "subject": ref(patient),
            "informationSource": ref(patient),
            "dateAsserted": when(now),
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
    first = min(doses, key=lambda d: d.taken_at)
    last = max(doses, key=lambda d: d.taken_at)
    days = len({_day(d) for d in doses})
    if kind == "kratom":
        form, strain = key.split("|", 1)
        name = f"Kratom (Mitragyna speciosa), {form}" + (f", labelled {strain!r}" if strain else "")
    else:
        name = key
    active = _day(last) >= last_day - timedelta(days=ACTIVE_WITHIN_DAYS)
    return {
        "resourceType": "MedicationStatement",
        "id": resource_id("logged", kind, key),
        "status": "active" if active else "completed",
        "medicationCodeableConcept": {"text": name},
        "subject": ref(patient),
        "informationSource": ref(patient),
        "dateAsserted": when(now),
        "effectivePeriod": {"start": when(first.taken_at), "end": when(last.taken_at)},
        "dosage": [
            {
                "text": f"Logged {len(doses)} times on {days} days between "
                f"{_day(first)} and {_day(last)} (self-reported use)."
            }
        ],
    }

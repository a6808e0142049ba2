"""Safety use cases shared by the CLI and the web: signals, interactions, legal, evidence."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, SideEffect
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.safety import evidence as evidence_rules
from kratom_journal.safety.interactions import (
    InteractionCheck,
    check,
    normalize_drug_name,
    result_dict,
    substance_to_check,
)
from kratom_journal.safety.legal import LegalLookup, lookup
from kratom_journal.safety.signals import SafetyReport, build_report
from kratom_journal.services.clock import journal_zone, now_in
from kratom_journal.store import medicines as medicine_store
from kratom_journal.store.entry_reads import kratom_doses
from kratom_journal.store.journal import Journal
from kratom_journal.store.medicines import StoredMedicine

SOWS_ID = "sows"
SELF_CHECK_ID = "kud"
NO_REGION_MESSAGE = (
    "no region or country set for this journal. Set one with 'kj config set region US-AL' "
    "(or 'kj config set country TH'), or name a place: 'kj legal TH'."
)
MAX_NAME_LENGTH = 200


class MedicineNotFound(LookupError):
    """No declared medicine matches the name or id given."""


class NoRegionSet(LookupError):
    """``kj legal`` was asked for the journal's region and none is configured."""


@dataclass(frozen=True)
class DeclaredMedicine:
    id: str
    name: str
    daily: bool
    added_at: datetime
    removed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "daily": self.daily,
            "added_at": self.added_at.isoformat(),
            "removed_at": self.removed_at.isoformat() if self.removed_at else None,
        }


@dataclass(frozen=True)
class SubstanceCheck:
    """An interaction check of something in the journal, with where it came from."""

    origin: str  # "declared (daily)", "declared", or "logged 3 times, last 2026-03-01"
    result: InteractionCheck

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, **result_dict(self.result)}


def today_for(journal: Journal) -> date:
    """Today's date in the journal's time zone."""
    return now_in(journal_zone(journal)).date()


# --- declared medicines ----------------------------------------------------------------


def _medicine(stored: StoredMedicine) -> DeclaredMedicine:
    return DeclaredMedicine(
        stored.id, stored.name, stored.daily, stored.added_at, stored.removed_at
    )


def declare_medicine(journal: Journal, name: str, daily: bool = False) -> DeclaredMedicine:
    """Declare a regular medicine once; declaring it again updates its daily flag."""
    cleaned = " ".join(name.split())
    key = normalize_drug_name(cleaned)
    if not key:
        raise InvalidEntry("give the medicine's name, e.g. 'sertraline'", "name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidEntry(f"at most {MAX_NAME_LENGTH} characters", "name")
    new = StoredMedicine(uuid.uuid4().hex, cleaned, key, daily, datetime.now(UTC))
    return _medicine(medicine_store.declare(journal, new))


def list_medicines(journal: Journal, include_removed: bool = False) -> list[DeclaredMedicine]:
    """Declared medicines, oldest first."""
    return [_medicine(m) for m in medicine_store.medicines(journal, include_removed)]


def remove_medicine(journal: Journal, name_or_id: str) -> DeclaredMedicine:
    """Mark a declared medicine as no longer taken (kept in the journal's history)."""
    key = normalize_drug_name(name_or_id)
    active = medicine_store.medicines(journal)
    matches = [m for m in active if m.normalized == key] or [
        m for m in active if len(name_or_id) >= 4 and m.id.startswith(name_or_id.strip())
    ]
    if len(matches) != 1:
        names = ", ".join(m.name for m in active) or "none"
        raise MedicineNotFound(f"no declared medicine matches {name_or_id!r}; declared: {names}")
    return _medicine(medicine_store.mark_removed(journal, matches[0].id, datetime.now(UTC)))


# --- interactions ------------------------------------------------------------------------


def check_names(names: list[str]) -> list[InteractionCheck]:
    """Check names typed by a person."""
    return [check(name) for name in names]


def journal_checks(journal: Journal) -> list[SubstanceCheck]:
    """Check every declared medicine and every non-kratom substance logged in the journal."""
    checks: list[SubstanceCheck] = []
    seen: set[str] = set()
    for medicine in list_medicines(journal):
        key = normalize_drug_name(medicine.name)
        seen.add(key)
        origin = "declared (daily)" if medicine.daily else "declared"
        checks.append(SubstanceCheck(origin, check(medicine.name)))
    counts: Counter[str] = Counter()
    last: dict[str, date] = {}
    for stored in journal.entries.list(kind=Kind.DOSE):
        dose = stored.entry
        name = substance_to_check(dose.substance) if isinstance(dose, Dose) else None
        if name is None or not isinstance(dose, Dose):
            continue
        counts[name] += 1
        day = journal_day(dose.taken_at, dose.zone)
        last[name] = max(last.get(name, day), day)
    for name, count in sorted(counts.items()):
        if normalize_drug_name(name) in seen:
            continue
        times = "once" if count == 1 else f"{count} times"
        checks.append(SubstanceCheck(f"logged {times}, last {last[name].isoformat()}", check(name)))
    return checks


# --- signals -----------------------------------------------------------------------------


def questionnaire_scores(journal: Journal, instrument_id: str) -> list[tuple[date, float]]:
    """(journal day, total) of stored questionnaire administrations; empty if none are stored."""
    try:
        from kratom_journal.services.questionnaires import list_administrations
    except ImportError:  # the questionnaire store is not part of this installation
        return []
    scores: list[tuple[date, float]] = []
    for administration in list_administrations(journal, instrument_id):
        total = getattr(administration.result, "total", None)
        if total is not None:
            day = journal_day(administration.administered_at, administration.zone)
            scores.append((day, float(total)))
    return scores


def safety_report(journal: Journal, today: date | None = None) -> SafetyReport:
    """Dependence and withdrawal signals for the journal, as of ``today``."""
    day = today or today_for(journal)
    # Only kratom doses feed the signals; read from their columns so years stay quick.
    doses = kratom_doses(journal, until=datetime.combine(day + timedelta(days=2), time(0), UTC))
    effects = [
        s.entry
        for s in journal.entries.list(kind=Kind.SIDE_EFFECT)
        if isinstance(s.entry, SideEffect)
    ]
    return build_report(
        doses,
        day,
        sows=questionnaire_scores(journal, SOWS_ID),
        self_checks=[(d, int(v)) for d, v in questionnaire_scores(journal, SELF_CHECK_ID)],
        side_effects=effects,
        country=journal.settings.get("country"),
    )


# --- legal and evidence ------------------------------------------------------------------


def legal_status(journal: Journal | None, code: str | None, today: date) -> LegalLookup:
    """Legal status for ``code``, or for the journal's region, then country."""
    if code is None:
        settings = journal.settings if journal is not None else None
        code = (settings.get("region") or settings.get("country")) if settings else None
        if not code:
            raise NoRegionSet(NO_REGION_MESSAGE)
    return lookup(code, today)


def evidence_panel() -> list[dict[str, Any]]:
    """Every graded claim in JSON-ready form."""
    return [evidence_rules.claim_dict(c) for c in evidence_rules.claims()]


def interaction_note_for(substance: str) -> str | None:
    """One line to show after logging a non-kratom substance, or ``None`` for kratom.

    Example: ``'xanax' -> alprazolam -> benzodiazepines, cyp3a4_substrates: dangerous``,
    or the "not in our list — ask a pharmacist" line for an unlisted name.
    """
    name = substance_to_check(substance)
    if name is None:
        return None
    return f"Interaction check: {check(name).headline()} (details: kj interactions {name!r})"

"""Safety use cases shared by the CLI and the web: signals, interactions, legal, evidence."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, SideEffect
from kratom_journal.domain.errors import InvalidEntry, JournalError, NotFound
from kratom_journal.domain.strains import visible_text
from kratom_journal.safety import evidence as evidence_rules
from kratom_journal.safety.interactions import (
    InteractionCheck,
    check,
    normalize_drug_name,
    result_dict,
    substance_to_check,
)
from kratom_journal.safety.legal import (
    Jurisdiction,
    LegalLookup,
    check_iso,
    jurisdictions,
    lookup,
    normalize_code,
)
from kratom_journal.safety.signals import SafetyReport, build_report
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.settings import JournalSettings, read_settings
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


class MedicineNotFound(NotFound):
    """No declared medicine matches the name or id given."""


class NoRegionSet(JournalError, LookupError):
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

    def to_dict(self, today: date | None = None) -> dict[str, Any]:
        return {"origin": self.origin, **result_dict(self.result, today)}


# --- declared medicines ----------------------------------------------------------------


def _medicine(stored: StoredMedicine) -> DeclaredMedicine:
    return DeclaredMedicine(
        stored.id, stored.name, stored.daily, stored.added_at, stored.removed_at
    )


def declare_medicine(
    journal: Journal, name: str, daily: bool = False, *, clock: Clock = SYSTEM_CLOCK
) -> DeclaredMedicine:
    """Declare a regular medicine once; declaring it again updates its daily flag."""
    cleaned = " ".join(visible_text(name).split())
    key = normalize_drug_name(cleaned)
    if not key:
        raise InvalidEntry("give the medicine's name, e.g. 'sertraline'", "name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidEntry(f"at most {MAX_NAME_LENGTH} characters", "name")
    new = StoredMedicine(uuid.uuid4().hex, cleaned, key, daily, clock.now())
    return _medicine(medicine_store.declare(journal, new))


def list_medicines(journal: Journal, include_removed: bool = False) -> list[DeclaredMedicine]:
    """Declared medicines, oldest first."""
    return [_medicine(m) for m in medicine_store.medicines(journal, include_removed)]


def remove_medicine(
    journal: Journal, name_or_id: str, *, clock: Clock = SYSTEM_CLOCK
) -> DeclaredMedicine:
    """Mark a declared medicine as no longer taken (kept in the journal's history)."""
    key = normalize_drug_name(name_or_id)
    active = medicine_store.medicines(journal)
    matches = [m for m in active if m.normalized == key] or [
        m for m in active if len(name_or_id) >= 4 and m.id.startswith(name_or_id.strip())
    ]
    if len(matches) != 1:
        names = ", ".join(m.name for m in active) or "none"
        raise MedicineNotFound(f"no declared medicine matches {name_or_id!r}; declared: {names}")
    return _medicine(medicine_store.mark_removed(journal, matches[0].id, clock.now()))


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
    scores: list[tuple[date, float]] = []
    for administration in list_administrations(journal, instrument_id):
        total = administration.result.total
        if total is not None:
            day = journal_day(administration.administered_at, administration.zone)
            scores.append((day, float(total)))
    return scores


def safety_report(
    journal: Journal,
    today: date | None = None,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> SafetyReport:
    """Dependence and withdrawal signals for the journal, as of ``today`` (default: the clock's)."""
    snapshot = settings if settings is not None else read_settings(journal)
    day = today or clock.today(snapshot.zone)
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
        country=snapshot.country,
    )


# --- legal and evidence ------------------------------------------------------------------


def legal_status(
    journal: Journal | None,
    code: str | None,
    today: date,
    *,
    settings: JournalSettings | None = None,
) -> LegalLookup:
    """Legal status for ``code``, or for the journal's region, then country."""
    if code is None:
        if settings is None and journal is not None:
            settings = read_settings(journal)
        code = settings.place if settings is not None else None
        if not code:
            raise NoRegionSet(NO_REGION_MESSAGE)
    return lookup(code, today)


def jurisdiction_choices() -> list[Jurisdiction]:
    """Every country a person can choose, with its subdivisions, from the legal table.

    The one list behind every country and region chooser: each ``Jurisdiction``
    has a ``code`` (ISO 3166-1 or ISO 3166-2) and a ``name``; a country's
    ``subdivisions`` are the states, provinces and territories that have rows
    of their own. Every code here has a legal row and, for countries, crisis
    resources (tested).
    """
    return jurisdictions()


def check_jurisdiction(code: str) -> str:
    """The normalised code (``"us-tx"`` -> ``"US-TX"``) if it is real ISO 3166.

    Raises
    ------
    LegalCodeError
        With the list of valid codes when the code is malformed or not ISO 3166
        (``US-ZZ``); a real code we have no row for is accepted.
    """
    normalized = normalize_code(code)
    check_iso(normalized)
    return normalized


def evidence_panel() -> list[dict[str, Any]]:
    """Every graded claim in JSON-ready form."""
    return [evidence_rules.claim_dict(c) for c in evidence_rules.claims()]


def interaction_note_for(substance: str) -> str | None:
    """One line to show after logging a non-kratom substance, or ``None`` for kratom.

    Example: ``'xanax' -> alprazolam -> benzodiazepines, cyp3a4_substrates: dangerous``,
    or the "not in our list — ask a pharmacist" line for an unlisted name.
    """
    note = interaction_note(substance)
    if note is None:
        return None
    return f"Interaction check: {note.headline} (details: kj interactions {note.name!r})"


@dataclass(frozen=True, slots=True)
class InteractionNote:
    """The interaction check of a just-logged substance: the name checked and the headline."""

    name: str
    headline: str


def interaction_note(substance: str) -> InteractionNote | None:
    """The check to show after logging ``substance``; ``None`` for kratom itself."""
    name = substance_to_check(substance)
    if name is None:
        return None
    return InteractionNote(name, interaction_summary(check(name)))


def interaction_summary(result: InteractionCheck) -> str:
    """One line a person reads: ``xanax (alprazolam): dangerous with kratom — benzodiazepines``.

    The classes are named in words, as the interaction list names them.
    """
    if not result.listed:
        return result.headline()
    severity = result.severity.value if result.severity else "unknown"
    names = [c.name[:1].lower() + c.name[1:] for c in result.classes]
    shown = "; ".join(names[:2]) + (f"; and {len(names) - 2} more" if len(names) > 2 else "")
    generics = ", ".join(result.generics)
    label = (
        result.query
        if result.query.casefold() == generics.casefold()
        else (f"{result.query} ({generics})")
    )
    return f"{label}: {severity} with kratom — {shown}"


# --- the safety page -----------------------------------------------------------------

TREND_DAYS = 28
"""Days of the doses-per-day chart (the signals' own 28-day window)."""


@dataclass(frozen=True, slots=True)
class SafetyOverview:
    """Signals, the journal's interaction checks and the legal status, as shown together.

    ``legal`` holds the lines of the legal status, or is ``None`` with
    ``legal_problem`` saying why (no region set, a stored code not understood);
    ``legal_detail`` is the same look-up as data (each row with its age and
    staleness warning), for pages that lay it out.
    """

    report: dict[str, Any]
    checks: list[dict[str, Any]]
    legal: list[str] | None
    legal_problem: str | None
    legal_detail: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """What ``GET /api/v1/safety`` returns."""
        return {
            "report": self.report,
            "interactions": self.checks,
            "legal": self.legal,
            "legal_problem": self.legal_problem,
            "legal_detail": self.legal_detail,
        }


def safety_overview(
    journal: Journal, today: date, settings: JournalSettings | None = None
) -> SafetyOverview:
    """Everything the safety page and API show about the journal as of ``today``."""
    snapshot = settings if settings is not None else read_settings(journal)
    report = safety_report(journal, today, settings=snapshot).to_dict()
    checks = [c.to_dict(today) for c in journal_checks(journal)]
    try:
        found = legal_status(journal, None, today, settings=snapshot)
    except JournalError as exc:
        return SafetyOverview(report, checks, None, str(exc))
    return SafetyOverview(report, checks, found.lines(), None, found.to_dict())


@dataclass(frozen=True, slots=True)
class DoseCounts:
    """Kratom doses per day over consecutive days, oldest first, with the 28-day trend signal."""

    days: list[date]
    counts: list[int]
    trend: dict[str, Any] | None


def kratom_doses_per_day(
    journal: Journal,
    today: date,
    zone: tzinfo,
    trend: dict[str, Any] | None = None,
    days: int = TREND_DAYS,
) -> DoseCounts:
    """Kratom doses on each of the ``days`` days up to ``today`` (only those days are read).

    A dose counts on its journal day (04:00 to 04:00 local time, in the zone it was
    logged in); ``zone`` is the journal's, where the first day shown begins.
    """
    shown = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    start = datetime.combine(shown[0], datetime.min.time(), tzinfo=zone)
    per_day = dict.fromkeys(shown, 0)
    for stored in journal.entries.list(Kind.DOSE, since=start, tz=zone):
        if isinstance(stored.entry, Dose) and stored.entry.substance == "kratom":
            day = journal_day(stored.entry.taken_at, stored.entry.zone)
            if day in per_day:
                per_day[day] += 1
    return DoseCounts(shown, list(per_day.values()), trend)


def doses_trend(report: dict[str, Any]) -> dict[str, Any] | None:
    """The values of the doses-per-day trend signal in a report's ``to_dict()``, if any."""
    for signal in report.get("signals", []):
        if signal.get("id") == "doses_trend":
            found: dict[str, Any] | None = signal["values"].get("trend")
            return found
    return None


# --- where the person is: the one list of countries and regions ----------------------------


def find_country(text: str) -> Jurisdiction | None:
    """The listed country a code or a name names, in any letter case (``de``, ``Germany``)."""
    wanted = " ".join(text.split()).casefold()
    for country in jurisdiction_choices():
        if wanted in {country.code.casefold(), country.name.casefold()}:
            return country
    return None


def find_region(text: str) -> Jurisdiction | None:
    """The listed region a code or a name names, in any letter case (``us-al``, ``Alabama``)."""
    wanted = " ".join(text.split()).casefold()
    for country in jurisdiction_choices():
        for region in country.subdivisions:
            if wanted in {region.code.casefold(), region.name.casefold()}:
                return region
    return None

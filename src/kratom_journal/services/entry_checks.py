"""Checks on an entry before it is saved: its dates, and the questions a likely slip raises.

Two kinds of check, both about the entry as typed and never about what amount is
safe (the journal gives no dosing advice):

* **Dates** outside the journal's range (before 1970 or the birth date, more than a
  day from now) are refused with the field named (:mod:`kratom_journal.domain.date_range`).
* **Questions**: an amount far above what one entry usually is, the same dose
  logged again within a few minutes, or a day's total far above the person's own
  usual range. Each is likelier a typo or a double tap than a real value, so the
  person is asked to confirm; confirmed, it is saved as given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kratom_journal.domain.amounts import implausibility
from kratom_journal.domain.date_range import DateRange
from kratom_journal.domain.days import day_window, journal_day, local_time, zone_or_none
from kratom_journal.domain.entries import Dose, Entry, Kind
from kratom_journal.domain.errors import ImplausibleEntry, NotFound
from kratom_journal.domain.words import amount_text, day_text, duration_text, substance_text
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal

DUPLICATE_WINDOW = timedelta(minutes=10)
"""The same dose logged again within this time of the first is asked about."""

USUAL_WEEKS = 8
"""The person's usual daily total is read from this many weeks before the day."""

MIN_USUAL_DAYS = 7
"""A usual range needs at least this many days with a kratom dose in those weeks."""

FAR_ABOVE = 2.0
"""A day's total more than this many times the usual highest day is asked about."""


def entry_range(settings: JournalSettings, now: datetime) -> DateRange:
    """The dates an entry may have now: from 1970 or the birth date, to a day from now."""
    born: date | None = None
    if settings.patient_birth_date:
        try:
            born = date.fromisoformat(settings.patient_birth_date)
        except ValueError:
            born = None
    return DateRange.around(now, born)


def check_dates(entry: Entry, settings: JournalSettings, now: datetime) -> None:
    """Refuse an entry dated outside the journal's range, naming the field."""
    entry_range(settings, now).check_entry(entry)


def check_plausible(entry: Entry, confirmed: bool) -> None:
    """Raise :class:`ImplausibleEntry` for a likely typo unless the person confirmed it."""
    if isinstance(entry, Dose) and not confirmed:
        reason = implausibility(entry)
        if reason:
            raise ImplausibleEntry(reason, "amount")


def dose_questions(journal: Journal, dose: Dose, exclude_id: str | None = None) -> list[str]:
    """What to ask before saving ``dose``: a typo-sized amount, a repeat, an unusual day."""
    questions = [q for q in (implausibility(dose),) if q]
    repeat = repeated_dose(journal, dose, exclude_id)
    if repeat:
        questions.append(repeat)
    if dose.substance == "kratom" and not questions:
        unusual = unusual_day_total(journal, dose, exclude_id)
        if unusual:
            questions.append(unusual)
    return questions


def confirm_dose(
    journal: Journal, dose: Dose, confirmed: bool, exclude_id: str | None = None
) -> None:
    """Raise :class:`ImplausibleEntry` with every question, unless the person confirmed."""
    if confirmed:
        return
    questions = dose_questions(journal, dose, exclude_id)
    if questions:
        raise ImplausibleEntry("; ".join(questions), "amount")


def _same(a: Dose, b: Dose) -> bool:
    return (a.substance, a.amount, a.unit, a.strain_key, a.form, a.product) == (
        b.substance,
        b.amount,
        b.unit,
        b.strain_key,
        b.form,
        b.product,
    )


def repeated_dose(journal: Journal, dose: Dose, exclude_id: str | None = None) -> str | None:
    """The question for the same dose logged again within :data:`DUPLICATE_WINDOW`."""
    since = dose.taken_at - DUPLICATE_WINDOW
    until = dose.taken_at + DUPLICATE_WINDOW
    for stored in journal.entries.list(Kind.DOSE, since=since, until=until):
        other = stored.entry
        if stored.id == exclude_id or not isinstance(other, Dose) or not _same(other, dose):
            continue
        gap = abs(dose.taken_at - other.taken_at)
        what = f"{amount_text(dose.amount, dose.unit)} of {substance_text(dose.substance)}"
        when = f"{local_time(other.taken_at, other.zone):%H:%M}"
        apart = "at the same time" if gap < timedelta(minutes=1) else f"{duration_text(gap)} apart"
        return (
            f"the same dose ({what}) is already logged for {when}, {apart}: "
            "is this a second dose or a repeated tap? Log it again?"
        )
    return None


def _daily_grams(
    journal: Journal, first: date, last: date, zone_name: str | None
) -> dict[date, float]:
    zone = zone_or_none(zone_name) or zone_or_none("UTC")
    assert zone is not None
    since = day_window(first, zone)[0] - timedelta(days=1)
    until = day_window(last, zone)[1] + timedelta(days=1)
    totals: dict[date, float] = {}
    for stored in journal.entries.list(Kind.DOSE, since=since, until=until):
        dose = stored.entry
        if not isinstance(dose, Dose) or dose.substance != "kratom" or dose.grams is None:
            continue
        day = journal_day(dose.taken_at, dose.zone)
        if first <= day <= last:
            totals[day] = totals.get(day, 0.0) + dose.grams
    return totals


def unusual_day_total(journal: Journal, dose: Dose, exclude_id: str | None = None) -> str | None:
    """The question for a day whose kratom total would be far above the person's usual range.

    The usual range is the person's own: the highest daily total of the last
    :data:`USUAL_WEEKS` weeks, from at least :data:`MIN_USUAL_DAYS` days of use.
    """
    if dose.grams is None:
        return None
    day = journal_day(dose.taken_at, dose.zone)
    usual = _daily_grams(
        journal, day - timedelta(weeks=USUAL_WEEKS), day - timedelta(days=1), dose.zone
    )
    if len(usual) < MIN_USUAL_DAYS:
        return None
    highest = max(usual.values())
    that_day = _daily_grams(journal, day, day, dose.zone).get(day, 0.0)
    if exclude_id is not None:
        try:
            earlier = journal.entries.get(exclude_id).entry
        except NotFound:
            earlier = None
        if (
            isinstance(earlier, Dose)
            and earlier.grams
            and journal_day(earlier.taken_at, earlier.zone) == day
        ):
            that_day -= earlier.grams
    total = that_day + dose.grams
    if total <= FAR_ABOVE * highest:
        return None
    return (
        f"this makes the kratom logged for {day_text(day)} {total:g} g, far above your own "
        f"usual range (at most {highest:g} g a day in the last {USUAL_WEEKS} weeks): "
        "is this a typo or a duplicate?"
    )

"""Small pieces several pages show, each asking an optional service and staying quiet without it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kratom_journal.services.clock import journal_zone
from kratom_journal.store.journal import Journal
from kratom_journal.web.optional import feature

SERVICE_ERRORS = (ValueError, LookupError, ArithmeticError, AttributeError, TypeError)
"""What an optional service may raise for a journal it cannot use yet (shown, not crashed)."""


def tonight_assignment(journal: Journal) -> dict[str, Any] | None:
    """Tonight's condition of a running self-experiment, or ``None``."""
    experiments = feature("experiments")
    if experiments is None:
        return None
    today = datetime.now(journal_zone(journal)).date()
    try:
        stored, scheduled = experiments.assignment(journal, today)
    except SERVICE_ERRORS:
        return None
    except Exception as exc:  # the analysis layer's own error type
        if type(exc).__name__ == "AnalysisError":
            return None
        raise
    if scheduled is None:
        return None
    return {
        "experiment": stored,
        "day": scheduled,
        "washout": scheduled.washout,
        "condition": experiments.condition_name(stored.plan, scheduled.condition),
        "label": scheduled.condition,
    }


def sleep_week_metrics(journal: Journal, today: Any, weeks: int = 4) -> dict[str, Any] | None:
    """Weekly diary metrics with their flags for the last ``weeks`` weeks, or ``None``.

    Only the nights of the period are read, so the work does not grow with the
    journal's history.
    """
    service = feature("sleep_stats")
    if service is None:
        return None
    from datetime import timedelta

    from kratom_journal.domain.entries import Kind, SleepDiaryEntry
    from kratom_journal.sleep.regularity import sleep_regularity_index
    from kratom_journal.sleep.summary import NIGHTS_PER_WEEK, weekly_summaries

    last = today - timedelta(days=1)
    start = last - timedelta(days=NIGHTS_PER_WEEK * weeks - 1)
    zone = journal_zone(journal)
    stored = journal.entries.list(
        Kind.SLEEP, since=start - timedelta(days=1), until=today + timedelta(days=1), tz=zone
    )
    in_period = [
        s.entry
        for s in stored
        if isinstance(s.entry, SleepDiaryEntry) and start <= s.entry.night <= last
    ]
    summaries = weekly_summaries(in_period, weeks, last)
    regularity = sleep_regularity_index(in_period)
    return {
        "weeks": [service.week_view(w) for w in reversed(summaries)],
        "regularity": regularity,
        "caveat": service.DIARY_CAVEAT,
        "sri_note": service.SRI_NOTE,
    }


def wearable_nights(journal: Journal, first: Any, last: Any) -> dict[str, Any] | None:
    """Wearable nights between two nights (chosen source and the others), or ``None``.

    ``stages`` holds, per night, the chosen source's stage segments for the chart (or,
    for a source without stages, its time in bed with the stage minutes as a label);
    ``nights`` the JSON-ready night per date for the table.
    """
    service = feature("wearables")
    if service is None:
        return None
    try:
        found = service.list_nights(journal, since=first, until=last)
    except SERVICE_ERRORS:
        return None
    if not found:
        return {}
    nights: dict[Any, dict[str, Any]] = {}
    spans: dict[Any, list[tuple[Any, Any, str]]] = {}
    for chosen, others in found:
        view = service.night_dict(chosen, others)
        nights[chosen.night] = view
        stages = view.get("stage_min") or {}
        staged = ", ".join(
            f"{name} {minutes:.0f} min" for name, minutes in stages.items() if minutes
        )
        label = f"{view['source']}" + (f": {staged}" if staged else "")
        spans[chosen.night] = [(chosen.bed_at, chosen.out_at, label)]
    # Where the chosen source recorded stages, draw them over the night instead.
    spans.update(service.stage_timeline(journal, first, last))
    return {"nights": nights, "stages": spans}


def interaction_note(entry: Any) -> dict[str, str] | None:
    """The interaction check of a just-logged substance other than kratom, or ``None``."""
    if feature("safety") is None or not hasattr(entry, "substance"):
        return None
    from kratom_journal.safety.interactions import check, substance_to_check

    name = substance_to_check(entry.substance)
    if name is None:
        return None
    return {"name": name, "headline": check(name).headline()}


CRISIS_DAYS_ON_TODAY = 14
"""Today repeats the crisis resources for the PHQ-9's own recall period after item 9 > 0."""


def recent_crisis_notice(journal: Journal) -> Any:
    """The crisis notice when the latest PHQ-9 had item 9 above 0 in the last two weeks."""
    service = feature("questionnaires")
    if service is None:
        return None
    from datetime import UTC, timedelta

    latest = next(iter(reversed(service.list_administrations(journal, "phq9"))), None)
    if latest is None or not latest.result.crisis:
        return None
    if datetime.now(UTC) - latest.administered_at > timedelta(days=CRISIS_DAYS_ON_TODAY):
        return None
    return service.crisis_notice_for(journal)

"""The report's questionnaire sections: the crisis note (always first) and PHQ-9/GAD-7 series.

Each administration is dated by its journal day (04:00 to 04:00 local time).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kratom_journal.domain.words import plural
from kratom_journal.reports.model import CrisisSection, InstrumentSeries, ScoreBand
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.services.questionnaires import MIN_DAYS_BETWEEN, Administration

REPORTED_INSTRUMENTS = ("phq9", "gad7")


def crisis_section(
    administrations: list[Administration], notice: CrisisNotice | None
) -> CrisisSection | None:
    """Every answer that calls for crisis resources, with the resources shown with each.

    ``administrations`` are those of the period and any after it up to the day the
    report is made, so an answer given today is on the report made today. Each
    answer says which crisis resources the person was shown when they answered, as
    recorded then; ``notice`` is what the person is shown now.
    """
    answers = []
    for administration in administrations:
        for flag in administration.result.safety_flags:
            answers.append(
                {
                    "date": administration.day,
                    "instrument": administration.instrument.short_name,
                    "item": flag.item,
                    "value": flag.value,
                    "label": _answer_label(administration.instrument, flag.item, flag.value),
                    "text": _item_text(administration.instrument, flag.item),
                    "shown": shown_text(administration.crisis_shown),
                }
            )
    if not answers or notice is None:
        return None
    return CrisisSection(answers=answers, notice=notice.to_dict(), resources=notice)


def shown_text(shown: dict[str, Any] | None) -> str:
    """The crisis resources recorded with an answer, as one line for the report."""
    if shown is None:
        return (
            "which crisis resources were shown was not recorded (answered before the journal "
            "recorded them)"
        )
    parts = []
    if shown.get("emergency_number"):
        parts.append(f"emergency number {shown['emergency_number']}")
    for line in [*shown.get("lines", []), shown.get("directory") or {}]:
        if line:
            contacts = ", ".join(f"{c['kind']} {c['value']}" for c in line.get("contacts", []))
            parts.append(f"{line['name']} ({contacts})")
    where = f" for {shown['country']}" if shown.get("country") else ""
    lead = f"shown then{where}: "
    if not shown.get("lines"):
        lead = "no country was set, so no national crisis line was shown; shown then: "
        if shown.get("country"):
            lead = f"no crisis line for {shown['country']} was on file; shown then: "
    return lead + "; ".join(parts)


def _item_text(instrument: Any, item_id: str) -> str:
    for item in instrument.items:
        if item.id == item_id:
            return str(item.text)
    return item_id


def _answer_label(instrument: Any, item_id: str, value: int) -> str:
    for item in instrument.items:
        if item.id == item_id:
            for option in instrument.response_sets[item.response_set]:
                if option.value == value:
                    return str(option.label)
    return str(value)


def questionnaire_series(administrations: list[Administration]) -> list[InstrumentSeries]:
    """One series per reported instrument that was answered in the period."""
    series = []
    for instrument_id in REPORTED_INSTRUMENTS:
        chosen = [a for a in administrations if a.instrument.id == instrument_id]
        if chosen:
            series.append(_series(chosen))
    return series


def _series(administrations: list[Administration]) -> InstrumentSeries:
    instrument = administrations[0].instrument
    scored = [a for a in administrations if a.result.total is not None]
    points = [(a.day, int(a.result.total or 0)) for a in scored]
    baseline = points[0][1] if points else None
    rule = instrument.change
    response = (
        baseline * (1 - rule.response_drop_fraction)
        if baseline and rule.response_drop_fraction
        else None
    )
    rows = []
    for administration in administrations:
        result = administration.result
        change = administration.change
        rows.append(
            {
                "date": administration.day,
                "total": result.total,
                "band": result.band or (result.no_score_reason or "no score"),
                "flags": ", ".join(f"item {f.item} = {f.value}" for f in result.safety_flags),
                "delta": change.delta if change is not None else None,
                "meaningful": getattr(change, "meaningful", None) if change is not None else None,
            }
        )
    return InstrumentSeries(
        instrument.id,
        instrument.short_name,
        rows,
        series_summary(instrument, points),
        points,
        [ScoreBand(b.min, b.max, b.label) for b in instrument.bands],
        int(instrument.score_range[1]),
        response,
        rule.remission_below,
    )


def series_summary(instrument: Any, points: list[tuple[date, int]]) -> str:
    """Baseline, latest and change of a series, with the instrument's change rules."""
    if not points:
        return "No complete administration in this period."
    first, last = points[0][1], points[-1][1]
    text = f"Baseline {first}, latest {last} ({plural(len(points), 'administration')})"
    rule = instrument.change
    span = (points[-1][0] - points[0][0]).days
    if len(points) > 1 and span < MIN_DAYS_BETWEEN.get(instrument.id, 0):
        return text + (
            f"; the answers are {plural(span, 'day')} apart, too close to describe a change "
            "(each asks about the last two weeks)."
        )
    if len(points) > 1:
        change = last - first
        text += f"; change {change:+d}"
        if rule.mcid:
            text += f" (meaningful change: {rule.mcid:g} points)"
        if (
            rule.response_drop_fraction
            and first > 0
            and last <= first * (1 - rule.response_drop_fraction)
        ):
            text += "; response criterion met"
        if rule.remission_below is not None and last < rule.remission_below:
            text += "; below the remission threshold"
    return text + "."

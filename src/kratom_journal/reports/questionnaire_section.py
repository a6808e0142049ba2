"""The report's questionnaire sections: the crisis note (always first) and PHQ-9/GAD-7 series.

Each administration is dated by its journal day (04:00 to 04:00 local time).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kratom_journal.reports.model import CrisisSection, InstrumentSeries, ScoreBand
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.services.questionnaires import Administration

REPORTED_INSTRUMENTS = ("phq9", "gad7")


def crisis_section(
    administrations: list[Administration], notice: CrisisNotice | None
) -> CrisisSection | None:
    """Every answer of the period that calls for crisis resources, with the resources."""
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
                }
            )
    if not answers or notice is None:
        return None
    return CrisisSection(answers=answers, notice=notice.to_dict(), resources=notice)


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
    text = f"Baseline {first}, latest {last} ({len(points)} administrations)"
    rule = instrument.change
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

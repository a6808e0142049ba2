"""The sleep chart: each night's diary, the chosen wearable's stages and the doses, on one clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from kratom_journal.domain.days import journal_day, local_time
from kratom_journal.domain.entries import Dose, SleepDiaryEntry
from kratom_journal.domain.words import amount_text, plural, substance_text
from kratom_journal.services.entry_views import zone_note
from kratom_journal.web.charts import AXIS_START_HOUR, COLORS, Chart, figure_layout


def axis_start(night: date) -> datetime:
    """18:00 on the evening of ``night``, on a wall clock (no zone)."""
    return datetime.combine(night, time(AXIS_START_HOUR))


def hours_into(instant: datetime, night: date, zone: str | None = None) -> float:
    """Where ``instant`` sits on the 18:00-to-18:00 axis of ``night``, by its recorded clock.

    Each entry is placed at the local time it was recorded with (the clock of its
    own ``zone``, else its own offset), never at the journal's current zone: a night
    logged as 22:30 to 07:00 in New York is drawn from 22:30 to 07:00 after the
    journal moves to Berlin, the same as the table beside the chart says.
    """
    local = local_time(instant, zone).replace(tzinfo=None)
    return (local - axis_start(night)).total_seconds() / 3600.0


def _tick_labels() -> tuple[list[float], list[str]]:
    values = [float(h) for h in range(0, 25, 3)]
    labels = [f"{(AXIS_START_HOUR + int(h)) % 24:02d}:00" for h in values]
    return values, labels


def sleep_chart(
    nights: list[date],
    diary: dict[date, SleepDiaryEntry],
    doses: list[Dose],
    zone: ZoneInfo,
    wearable: dict[date, list[tuple[datetime, datetime, str]]] | None = None,
) -> Chart:
    """One bar per night on an 18:00 -> 18:00 axis: in bed, asleep, and dose markers.

    The asleep bar spans from sleep onset (tried to sleep + minutes to fall asleep)
    to the final awakening; minutes awake in the night are told in the hover text
    because the diary does not say when they happened.
    """
    labels = [f"{n:%a %d}" for n in nights]
    in_bed: dict[str, list[Any]] = {"x": [], "base": [], "y": [], "hovertext": []}
    asleep: dict[str, list[Any]] = {"x": [], "base": [], "y": [], "hovertext": []}
    for night, label in zip(nights, labels, strict=True):
        entry = diary.get(night)
        if entry is None:
            continue
        own = entry.zone
        note = zone_note(entry.bed_at, own, zone.key)
        start = hours_into(entry.bed_at, night, own)
        in_bed["base"].append(round(start, 3))
        in_bed["x"].append(round(hours_into(entry.out_of_bed_at, night, own) - start, 3))
        in_bed["y"].append(label)
        in_bed["hovertext"].append(
            f"in bed {local_time(entry.bed_at, own):%H:%M}–"
            f"{local_time(entry.out_of_bed_at, own):%H:%M}{note}"
        )
        onset = entry.tried_at + timedelta(minutes=entry.sol_min)
        begin = hours_into(onset, night, own)
        asleep["base"].append(round(begin, 3))
        asleep["x"].append(round(hours_into(entry.final_wake_at, night, own) - begin, 3))
        asleep["y"].append(label)
        asleep["hovertext"].append(
            f"asleep {local_time(onset, own):%H:%M}–"
            f"{local_time(entry.final_wake_at, own):%H:%M}{note}, "
            f"{plural(entry.awakenings, 'awakening')}, {entry.waso_min} min awake"
        )
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "in bed (diary)",
            "marker": {"color": COLORS["in_bed"]},
            "width": 0.7,
            "hoverinfo": "text",
            **in_bed,
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": "asleep (diary)",
            "marker": {"color": COLORS["asleep"]},
            "width": 0.4,
            "hoverinfo": "text",
            **asleep,
        },
    ]
    traces.extend(_wearable_traces(nights, labels, wearable or {}))
    traces.extend(_dose_traces(nights, labels, doses, zone))
    ticks, tick_text = _tick_labels()
    height = max(220, 44 * len(nights) + 110)
    layout = figure_layout(
        "Nights: in bed and asleep (18:00 to 18:00)",
        barmode="overlay",
        height=height,
        xaxis={
            "range": [0, 24],
            "tickvals": ticks,
            "ticktext": tick_text,
            "fixedrange": True,
            "gridcolor": "#e5e7eb",
        },
        yaxis={
            "autorange": "reversed",
            "fixedrange": True,
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
        },
    )
    return Chart(
        "sleep-chart",
        "Sleep diary chart",
        {"data": traces, "layout": layout},
        sleep_summary(nights, diary, doses),
    )


def _dose_traces(
    nights: list[date], labels: list[str], doses: list[Dose], zone: ZoneInfo
) -> list[dict[str, Any]]:
    kratom: dict[str, list[Any]] = {"x": [], "y": [], "hovertext": []}
    other: dict[str, list[Any]] = {"x": [], "y": [], "hovertext": []}
    for night, label in zip(nights, labels, strict=True):
        for dose in doses:
            position = hours_into(dose.taken_at, night, dose.zone)
            if not 0 <= position < 24:
                continue
            target = kratom if dose.substance == "kratom" else other
            target["x"].append(round(position, 3))
            target["y"].append(label)
            target["hovertext"].append(
                f"{substance_text(dose.substance)} {amount_text(dose.amount, dose.unit)} at "
                f"{local_time(dose.taken_at, dose.zone):%H:%M}"
                f"{zone_note(dose.taken_at, dose.zone, zone.key)}"
            )
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "kratom dose",
            "hoverinfo": "text",
            "marker": {"symbol": "diamond", "size": 11, "color": COLORS["kratom"]},
            **kratom,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "other substance",
            "hoverinfo": "text",
            "marker": {"symbol": "circle-open", "size": 9, "color": COLORS["other"]},
            **other,
        },
    ]


STAGE_COLORS = {
    "awake": "#d97706",
    "light": "#5eead4",
    "deep": "#0f766e",
    "rem": "#7c3aed",
    "asleep_unspecified": "#14b8a6",
}
"""Wearable stage colours; each stage is its own legend entry, so colour is never the only cue."""


def _wearable_traces(
    nights: list[date],
    labels: list[str],
    wearable: dict[date, list[tuple[datetime, datetime, str]]],
) -> list[dict[str, Any]]:
    """The wearable's night under the diary's bar: its stages where recorded, else time in bed."""
    traces: dict[str, dict[str, list[Any]]] = {}
    for night, label in zip(nights, labels, strict=True):
        for start, end, text in wearable.get(night, []):
            name = (
                f"wearable {text.replace('_', ' ')}"
                if text in STAGE_COLORS
                else "wearable (in bed)"
            )
            trace = traces.setdefault(name, {"x": [], "base": [], "y": [], "hovertext": []})
            begin = hours_into(start, night)
            trace["base"].append(round(begin, 3))
            trace["x"].append(round(hours_into(end, night) - begin, 3))
            trace["y"].append(label)
            trace["hovertext"].append(
                f"{name} {start:%H:%M}–{end:%H:%M}" + ("" if text in STAGE_COLORS else f" ({text})")
            )
    return [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "width": 0.15,
            "offset": 0.3,
            "marker": {"color": _wearable_color(name)},
            "hoverinfo": "text",
            **trace,
        }
        for name, trace in traces.items()
    ]


def _wearable_color(name: str) -> str:
    stage = name.removeprefix("wearable ").replace(" ", "_")
    return STAGE_COLORS.get(stage, COLORS["wearable"])


def _clock(hours: float) -> str:
    minutes = round((AXIS_START_HOUR + hours) * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def sleep_summary(nights: list[date], diary: dict[date, SleepDiaryEntry], doses: list[Dose]) -> str:
    logged = [diary[n] for n in nights if n in diary]
    if not logged:
        return f"No diary nights in the last {len(nights)} nights."
    beds = [hours_into(e.bed_at, e.night, e.zone) for e in logged]
    ups = [hours_into(e.out_of_bed_at, e.night, e.zone) for e in logged]
    kratom_days = {journal_day(d.taken_at, d.zone) for d in doses if d.substance == "kratom"}
    nights_with_kratom = sum(1 for n in nights if n in kratom_days)
    return (
        f"{len(logged)} of the last {len(nights)} nights have a diary entry. "
        f"On average into bed at {_clock(mean(beds))} and out of bed at {_clock(mean(ups))}; "
        f"average quality {mean(e.quality for e in logged):.1f} of 5. "
        f"Kratom was logged on the journal day (04:00 to 04:00) of {nights_with_kratom} of "
        "these nights."
    )

"""Chart data for Plotly (drawn by static/charts.js) and each chart's text for screen readers.

Figures are plain dicts embedded as JSON, never scripts, so the page's strict
Content-Security-Policy holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, MoodCheckin, SleepDiaryEntry

AXIS_START_HOUR = 18
"""The sleep chart's 24-hour axis runs from 18:00 on the night's date to 18:00 the next day."""

COLORS = {
    "in_bed": "#b9c6e4",
    "asleep": "#2b4c9b",
    "kratom": "#b5651d",
    "other": "#6b7280",
    "mood": "#2b4c9b",
    "wearable": "#0f766e",
    "anxiety": "#b5651d",
    "band": "rgba(0,0,0,0.06)",
}


@dataclass(frozen=True)
class Chart:
    """A figure and the sentence a screen reader reads instead of it."""

    id: str
    title: str
    figure: dict[str, Any]
    summary: str
    summary_shown: bool = True
    """False when the same numbers are printed next to the chart anyway."""

    def json(self) -> str:
        # "</" cannot close the JSON's <script type="application/json"> element early.
        return json.dumps(self.figure, separators=(",", ":")).replace("</", "<\\/")


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 56, "r": 12, "t": 40, "b": 40},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    layout.update(extra)
    return layout


def axis_start(night: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(night, time(AXIS_START_HOUR), tzinfo=zone)


def hours_into(instant: datetime, night: date, zone: ZoneInfo) -> float:
    """Hours from the axis start of ``night`` to ``instant`` (elapsed time, DST-proof)."""
    return (instant - axis_start(night, zone)).total_seconds() / 3600.0


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
        start = hours_into(entry.bed_at, night, zone)
        in_bed["base"].append(round(start, 3))
        in_bed["x"].append(round(hours_into(entry.out_of_bed_at, night, zone) - start, 3))
        in_bed["y"].append(label)
        in_bed["hovertext"].append(
            f"in bed {entry.bed_at.astimezone(zone):%H:%M}–"
            f"{entry.out_of_bed_at.astimezone(zone):%H:%M}"
        )
        onset = entry.tried_at + timedelta(minutes=entry.sol_min)
        begin = hours_into(onset, night, zone)
        asleep["base"].append(round(begin, 3))
        asleep["x"].append(round(hours_into(entry.final_wake_at, night, zone) - begin, 3))
        asleep["y"].append(label)
        asleep["hovertext"].append(
            f"asleep {onset.astimezone(zone):%H:%M}–"
            f"{entry.final_wake_at.astimezone(zone):%H:%M}, "
            f"{entry.awakenings} awakenings, {entry.waso_min} min awake"
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
    traces.extend(_wearable_traces(nights, labels, wearable or {}, zone))
    traces.extend(_dose_traces(nights, labels, doses, zone))
    ticks, tick_text = _tick_labels()
    height = max(220, 44 * len(nights) + 110)
    layout = _layout(
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
        sleep_summary(nights, diary, doses, zone),
    )


def _dose_traces(
    nights: list[date], labels: list[str], doses: list[Dose], zone: ZoneInfo
) -> list[dict[str, Any]]:
    kratom: dict[str, list[Any]] = {"x": [], "y": [], "hovertext": []}
    other: dict[str, list[Any]] = {"x": [], "y": [], "hovertext": []}
    for night, label in zip(nights, labels, strict=True):
        for dose in doses:
            position = hours_into(dose.taken_at, night, zone)
            if not 0 <= position < 24:
                continue
            target = kratom if dose.substance == "kratom" else other
            target["x"].append(round(position, 3))
            target["y"].append(label)
            target["hovertext"].append(
                f"{dose.substance} {dose.amount:g} {dose.unit.value} at "
                f"{dose.taken_at.astimezone(zone):%H:%M}"
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
    zone: ZoneInfo,
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
            begin = hours_into(start, night, zone)
            trace["base"].append(round(begin, 3))
            trace["x"].append(round(hours_into(end, night, zone) - begin, 3))
            trace["y"].append(label)
            trace["hovertext"].append(
                f"{name} {start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M}"
                + ("" if text in STAGE_COLORS else f" ({text})")
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


def sleep_summary(
    nights: list[date], diary: dict[date, SleepDiaryEntry], doses: list[Dose], zone: ZoneInfo
) -> str:
    logged = [diary[n] for n in nights if n in diary]
    if not logged:
        return f"No diary nights in the last {len(nights)} nights."
    beds = [hours_into(e.bed_at, e.night, zone) for e in logged]
    ups = [hours_into(e.out_of_bed_at, e.night, zone) for e in logged]
    kratom_days = {journal_day(d.taken_at, d.zone) for d in doses if d.substance == "kratom"}
    nights_with_kratom = sum(1 for n in nights if n in kratom_days)
    return (
        f"{len(logged)} of the last {len(nights)} nights have a diary entry. "
        f"On average into bed at {_clock(mean(beds))} and out of bed at {_clock(mean(ups))}; "
        f"average quality {mean(e.quality for e in logged):.1f} of 5. "
        f"Kratom was logged on the journal day (04:00 to 04:00) of {nights_with_kratom} of "
        "these nights."
    )


def mood_chart(checkins: list[MoodCheckin], days: list[date]) -> Chart:
    """Daily mean mood and anxiety (0-10) over the journal days shown."""
    by_day: dict[date, list[MoodCheckin]] = {}
    for item in checkins:
        by_day.setdefault(journal_day(item.at, item.zone), []).append(item)
    xs, moods, anxieties = [], [], []
    for day in days:
        items = by_day.get(day)
        xs.append(day.isoformat())
        moods.append(round(mean(i.mood for i in items), 2) if items else None)
        values = [i.anxiety for i in items or [] if i.anxiety is not None]
        anxieties.append(round(mean(values), 2) if values else None)
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "mood (0-10)",
            "x": xs,
            "y": moods,
            "connectgaps": False,
            "line": {"color": COLORS["mood"]},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "anxiety (0-10)",
            "x": xs,
            "y": anxieties,
            "connectgaps": False,
            "line": {"color": COLORS["anxiety"], "dash": "dot"},
        },
    ]
    layout = _layout(
        "Daily mood and anxiety",
        height=300,
        yaxis={"range": [0, 10], "fixedrange": True, "dtick": 2},
        xaxis={"type": "date", "fixedrange": True},
    )
    logged = [m for m in moods if m is not None]
    if logged:
        anx = [a for a in anxieties if a is not None]
        summary = (
            f"Mood was logged on {len(logged)} of the last {len(days)} days, averaging "
            f"{mean(logged):.1f} of 10 (lowest {min(logged):g}, highest {max(logged):g})"
            + (f"; anxiety averaged {mean(anx):.1f} of 10." if anx else ".")
        )
    else:
        summary = f"No mood check-ins in the last {len(days)} days."
    return Chart("mood-chart", "Mood chart", {"data": traces, "layout": layout}, summary)


def score_chart(
    instrument: str, points: list[tuple[str, int]], bands: list[tuple[int, int, str]], maximum: int
) -> Chart:
    """Questionnaire totals over time drawn against the instrument's severity bands."""
    shapes = [
        {
            "type": "rect",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": low - 0.5,
            "y1": high + 0.5,
            "fillcolor": "rgba(43,76,155,%.2f)" % (0.04 + 0.05 * i),
            "line": {"width": 0},
            "layer": "below",
        }
        for i, (low, high, _) in enumerate(bands)
    ]
    annotations = [
        {
            "xref": "paper",
            "x": 1,
            "xanchor": "right",
            "y": (low + high) / 2,
            "text": label,
            "showarrow": False,
            "font": {"size": 10},
        }
        for low, high, label in bands
    ]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"{instrument} total",
            "x": [p[0] for p in points],
            "y": [p[1] for p in points],
            "line": {"color": COLORS["mood"]},
        }
    ]
    layout = _layout(
        f"{instrument} over time",
        height=280,
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        yaxis={"range": [-0.5, maximum + 0.5], "fixedrange": True},
        xaxis={"type": "date", "fixedrange": True},
    )
    if points:
        last = points[-1]
        band = next((label for low, high, label in bands if low <= last[1] <= high), "")
        summary = (
            f"{len(points)} {instrument} results; the latest, on {last[0][:10]}, is "
            f"{last[1]} of {maximum}" + (f" ({band})." if band else ".")
        )
    else:
        summary = f"No {instrument} results yet."
    return Chart(
        f"chart-{instrument.lower().replace(' ', '-')}",
        f"{instrument} chart",
        {"data": traces, "layout": layout},
        summary,
    )


def forest_chart(
    chart_id: str,
    label: str,
    estimate: float,
    low: float,
    high: float,
    band: tuple[float, float] | None,
    unit: str,
) -> Chart:
    """One estimate with its interval against the band of changes too small to matter."""
    shapes = [
        {
            "type": "line",
            "x0": 0,
            "x1": 0,
            "y0": -0.5,
            "y1": 0.5,
            "line": {"color": "#111827", "width": 1},
        }
    ]
    if band is not None:
        shapes.insert(
            0,
            {
                "type": "rect",
                "x0": band[0],
                "x1": band[1],
                "y0": -0.5,
                "y1": 0.5,
                "fillcolor": "rgba(16,185,129,0.15)",
                "line": {"width": 0},
                "layer": "below",
            },
        )
    span = max(abs(low), abs(high), *(abs(b) for b in band or (0.0,))) * 1.2 or 1.0
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [estimate],
            "y": [label],
            "marker": {"size": 12, "color": COLORS["mood"]},
            "name": "estimate",
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": [high - estimate],
                "arrayminus": [estimate - low],
                "thickness": 2,
                "width": 8,
            },
        }
    ]
    layout = _layout(
        "",
        height=130,
        shapes=shapes,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 10, "b": 35},
        xaxis={
            "range": [-span, span],
            "fixedrange": True,
            "zeroline": False,
            "title": {"text": unit},
        },
        yaxis={"visible": False, "fixedrange": True},
    )
    band_text = (
        f" Differences between {band[0]:g} and {band[1]:g} {unit} are too small to matter."
        if band
        else ""
    )
    summary = f"Estimate {estimate:.1f} {unit}, 95% interval {low:.1f} to {high:.1f}." + band_text
    return Chart(chart_id, label, {"data": traces, "layout": layout}, summary)


def forest_group(
    chart_id: str,
    title: str,
    rows: list[tuple[str, float, float, float]],
    band: tuple[float, float] | None,
    unit: str,
) -> Chart:
    """A forest plot: one row per result on the same outcome, against the meaningful band."""
    shapes: list[dict[str, Any]] = [
        {
            "type": "line",
            "x0": 0,
            "x1": 0,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": "#111827", "width": 1},
        }
    ]
    if band is not None:
        shapes.insert(
            0,
            {
                "type": "rect",
                "x0": band[0],
                "x1": band[1],
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(16,185,129,0.15)",
                "line": {"width": 0},
                "layer": "below",
            },
        )
    extent = [abs(v) for _, est, lo, hi in rows for v in (est, lo, hi)]
    span = max([*extent, *(abs(b) for b in band or ())] or [1.0]) * 1.15 or 1.0
    labels = [label for label, *_ in rows]
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "estimate",
            "y": labels,
            "x": [est for _, est, _, _ in rows],
            "marker": {"size": 11, "color": COLORS["mood"]},
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": [hi - est for _, est, _, hi in rows],
                "arrayminus": [est - lo for _, est, lo, _ in rows],
                "thickness": 2,
                "width": 6,
            },
            "hovertext": [
                f"{label}: {est:.1f} ({lo:.1f} to {hi:.1f}) {unit}" for label, est, lo, hi in rows
            ],
            "hoverinfo": "text",
        }
    ]
    layout = _layout(
        title,
        height=90 + 42 * len(rows),
        shapes=shapes,
        showlegend=False,
        margin={"l": 130, "r": 12, "t": 36, "b": 40},
        xaxis={
            "range": [-span, span],
            "fixedrange": True,
            "zeroline": False,
            "title": {"text": unit},
        },
        yaxis={"autorange": "reversed", "fixedrange": True, "type": "category", "automargin": True},
    )
    band_text = (
        f" Differences between {band[0]:.3g} and {band[1]:.3g} {unit} are too small to matter."
        if band
        else ""
    )
    parts = [
        f"{label}: {est:.1f} (95% interval {lo:.1f} to {hi:.1f})" for label, est, lo, hi in rows
    ]
    summary = f"{title}, in {unit}: " + "; ".join(parts) + "." + band_text
    return Chart(chart_id, title, {"data": traces, "layout": layout}, summary, summary_shown=False)


def doses_chart(days: list[date], counts: list[int], trend: dict[str, Any] | None) -> Chart:
    """Kratom doses per day over the days shown, with the safety service's trend in words."""
    traces = [
        {
            "type": "bar",
            "name": "kratom doses",
            "x": [d.isoformat() for d in days],
            "y": counts,
            "marker": {"color": COLORS["kratom"]},
            "hovertemplate": "%{x}: %{y} doses<extra></extra>",
        }
    ]
    layout = _layout(
        "Kratom doses per day, last 28 days",
        height=240,
        showlegend=False,
        yaxis={"rangemode": "tozero", "fixedrange": True, "dtick": 1},
        xaxis={"type": "date", "fixedrange": True},
    )
    total = sum(counts)
    dosing_days = sum(1 for c in counts if c)
    summary = (
        f"{total} kratom dose{'' if total == 1 else 's'} on {dosing_days} of the last "
        f"{len(days)} days"
        f" (most in one day: {max(counts, default=0)})."
    )
    if trend:
        summary += (
            f" Trend: {trend.get('direction', '')}, {trend['slope_per_week']:+.2f} doses "
            f"a day per week (95% interval {trend['ci_low']:+.2f} to "
            f"{trend['ci_high']:+.2f})."
        )
    return Chart("doses-chart", "Doses per day chart", {"data": traces, "layout": layout}, summary)

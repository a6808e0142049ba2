"""Chart data for Plotly (drawn by static/charts.js) and each chart's text for screen readers.

Figures are plain dicts embedded as JSON, never scripts, so the page's strict
Content-Security-Policy holds. The sleep chart and the forest plots have modules of
their own (:mod:`.sleep_chart`, :mod:`.forest_chart`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from statistics import mean
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import MoodCheckin

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
        return script_json(self.figure)


_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line separators.

    Inside a script element the HTML parser looks for ``</script`` and, after a
    ``<!--``, for ``<script`` too (which would swallow the rest of the page); a
    medicine or strain named ``<!--<script>`` must stay text. JSON lets every
    character be written as ``\\uXXXX``, so the escaped text parses to the same value.

    >>> script_json({"name": "<!--<script>&"})
    '{"name":"\\\\u003c!--\\\\u003cscript\\\\u003e\\\\u0026"}'
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def figure_layout(title: str, **extra: Any) -> dict[str, Any]:
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
    layout = figure_layout(
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
    layout = figure_layout(
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
    layout = figure_layout(
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

"""Forest plots of associations and experiment results, drawn against the meaningful-change band."""

from __future__ import annotations

from typing import Any

from kratom_journal.web.charts import COLORS, Chart, figure_layout


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
    layout = figure_layout(
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
    layout = figure_layout(
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

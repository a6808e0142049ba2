"""The experiment result drawn against the meaningful-change band (a forest plot of one row)."""

from __future__ import annotations

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

"""One interval against the band of changes too small to matter, as a small inline SVG.

Drawn on the server (no script, no library): a phone shows it at once, and every card uses
one scale, symmetric around no difference, so the band and the interval are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass

from kratom_journal.analysis.wording import num
from kratom_journal.services.insight_page import IntervalView

WIDTH = 320
HEIGHT = 54
MARGIN = 16
AXIS_Y = 22


@dataclass(frozen=True, slots=True)
class IntervalSvg:
    """Coordinates of the drawing, in SVG user units."""

    band_x: float
    band_width: float
    zero_x: float
    low_x: float
    high_x: float
    point_x: float
    ticks: tuple[tuple[float, str], ...]
    left_word: str
    right_word: str
    label: str
    width: int = WIDTH
    height: int = HEIGHT
    axis_y: int = AXIS_Y


def interval_svg(view: IntervalView) -> IntervalSvg:
    """Where to draw the band, the interval and the estimate."""
    extent = view.extent
    span = WIDTH - 2 * MARGIN

    def x(value: float) -> float:
        clipped = max(-extent, min(extent, value))
        return round(MARGIN + (clipped + extent) / (2 * extent) * span, 1)

    better, worse = "better", "worse"
    left, right = (better, worse) if view.lower_is_better else (worse, better)
    band = f"{num(view.band)}{view.unit}"
    return IntervalSvg(
        band_x=x(-view.band),
        band_width=round(x(view.band) - x(-view.band), 1),
        zero_x=x(0.0),
        low_x=x(view.low),
        high_x=x(view.high),
        point_x=x(view.estimate),
        ticks=((x(-view.band), f"\u2212{band}"), (x(0.0), "0"), (x(view.band), f"+{band}")),
        left_word=f"\u2190 {left}",
        right_word=f"{right} \u2192",
        label=view.text(),
    )

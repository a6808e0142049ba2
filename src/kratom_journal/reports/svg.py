"""Small inline SVG figures for the clinician report, drawn without a plotting library.

Every function returns an ``<svg>`` string with fixed pixel geometry, so the
same figure renders identically in a browser and in WeasyPrint's PDF. Text is
escaped; nothing is fetched from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from kratom_journal.reports.model import ScoreBand, SleepLogRow

MINUTES_PER_DAY = 24 * 60
MAX_DOTS = 40
"""Questionnaire charts mark each administration with a dot up to this many points."""

MARKER_STYLES: dict[str, tuple[str, str]] = {
    "kratom": ("#1b7f3b", "K"),
    "caffeine": ("#7a4a12", "C"),
    "alcohol": ("#8b1a4a", "A"),
    "melatonin": ("#3b4bb0", "M"),
    "medication": ("#3b4bb0", "Rx"),
    "cannabis": ("#5b6b00", "T"),
    "other": ("#555555", "O"),
}
"""Colour and one- or two-letter label of each substance group on the sleep log."""


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def sleep_log_chart(rows: Sequence[SleepLogRow], width: int = 700) -> str:
    """The standard 24-hour sleep log: one row per night from noon to noon.

    Light bars are time in bed, dark bars the sleep window, letters above the
    bar mark substances (K kratom, C caffeine, A alcohol, M melatonin, Rx a
    medicine, T cannabis, O other) at the local clock time they were logged.
    """
    left, right, top, row_h = 62, 8, 18, 15
    plot_w = width - left - right
    height = top + row_h * max(len(rows), 1) + 30
    scale = plot_w / MINUTES_PER_DAY
    parts = [_svg_open(width, height, "24-hour sleep log")]
    bottom = top + row_h * max(len(rows), 1)
    for hour in range(0, 25, 3):
        x = left + hour * 60 * scale
        label = f"{(hour + 12) % 24:02d}"
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" '
            f'y2="{bottom}" stroke="#d8d8d8" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" font-size="8" text-anchor="middle" '
            f'fill="#444">{label}</text>'
        )
    for index, row in enumerate(rows):
        y = top + index * row_h
        parts.append(
            f'<text x="{left - 4}" y="{y + row_h - 4}" font-size="8" text-anchor="end" '
            f'fill="#222">{row.night:%a %d %b}</text>'
        )
        if row.in_bed is not None:
            parts.append(_bar(row.in_bed, left, scale, y + 5, row_h - 7, "#bcd3ea"))
        if row.asleep is not None:
            parts.append(_bar(row.asleep, left, scale, y + 7, row_h - 11, "#1f4e79"))
        for minute, group in row.markers:
            colour, letter = MARKER_STYLES.get(group, MARKER_STYLES["other"])
            x = left + _clamp(minute, 0, MINUTES_PER_DAY) * scale
            parts.append(
                f'<text x="{x:.1f}" y="{y + 6}" font-size="6.5" font-weight="bold" '
                f'text-anchor="middle" fill="{colour}">{escape(letter)}</text>'
            )
    if not rows:
        parts.append(
            f'<text x="{left}" y="{top + 10}" font-size="9" fill="#555">'
            "No diary nights in this period.</text>"
        )
    legend_y = height - 8
    parts.append(
        f'<rect x="{left}" y="{legend_y - 7}" width="14" height="6" fill="#bcd3ea"/>'
        f'<text x="{left + 18}" y="{legend_y}" font-size="7.5">in bed</text>'
        f'<rect x="{left + 60}" y="{legend_y - 6}" width="14" height="4" fill="#1f4e79"/>'
        f'<text x="{left + 78}" y="{legend_y}" font-size="7.5">'
        "asleep (onset to final awakening)</text>"
    )
    x = left + 230
    for group, (colour, letter) in MARKER_STYLES.items():
        parts.append(
            f'<text x="{x}" y="{legend_y}" font-size="7.5" font-weight="bold" '
            f'fill="{colour}">{escape(letter)}</text>'
            f'<text x="{x + 4 + 5 * len(letter)}" y="{legend_y}" font-size="7.5">'
            f"{escape(group)}</text>"
        )
        x += 16 + 5 * len(letter) + 4.6 * len(group)
    parts.append("</svg>")
    return "".join(parts)


def _bar(
    span: tuple[float, float], left: float, scale: float, y: float, h: float, colour: str
) -> str:
    start = _clamp(span[0], 0, MINUTES_PER_DAY)
    end = _clamp(span[1], 0, MINUTES_PER_DAY)
    if end <= start:
        return ""
    return (
        f'<rect x="{left + start * scale:.1f}" y="{y:.1f}" '
        f'width="{(end - start) * scale:.1f}" height="{h:.1f}" fill="{colour}"/>'
    )


BAND_COLOURS = ("#eef6ee", "#fbf6e2", "#fcebd9", "#f9dcd3", "#f3c9c9", "#eec0c0")


def score_chart(
    points: Sequence[tuple[date, int]],
    bands: Sequence[ScoreBand],
    max_score: int,
    start: date,
    end: date,
    response_line: float | None = None,
    remission_line: float | None = None,
    title: str = "",
    width: int = 340,
    height: int = 150,
) -> str:
    """Questionnaire totals over time against shaded severity bands.

    The first point is the baseline (drawn as a square); a dashed line marks a
    50% drop from it (response) and a dotted line the remission threshold, as
    measurement-based care plots them.
    """
    left, right, top, bottom = 26, 92, 12, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    span_days = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return left + _clamp((day - start).days / span_days, 0, 1) * plot_w

    def y_of(value: float) -> float:
        return top + plot_h - _clamp(value / max_score, 0, 1) * plot_h

    parts = [_svg_open(width, height, title or "questionnaire scores")]
    for index, band in enumerate(bands):
        y_high, y_low = (
            y_of(band.high + 0.5 if band.high < max_score else max_score),
            y_of(band.low - 0.5 if band.low > 0 else 0),
        )
        colour = BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)]
        parts.append(
            f'<rect x="{left}" y="{y_high:.1f}" width="{plot_w}" '
            f'height="{y_low - y_high:.1f}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + plot_w + 3}" y="{(y_high + y_low) / 2 + 3:.1f}" '
            f'font-size="6.5" fill="#555">{escape(band.label)} {band.low:g}-{band.high:g}'
            "</text>"
        )
    for tick in range(0, max_score + 1, 5):
        parts.append(
            f'<text x="{left - 3}" y="{y_of(tick) + 3:.1f}" font-size="7" '
            f'text-anchor="end" fill="#444">{tick}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="7" fill="#444">{start:%d %b %Y}</text>'
    )
    parts.append(
        f'<text x="{left + plot_w}" y="{height - 6}" font-size="7" '
        f'text-anchor="end" fill="#444">{end:%d %b %Y}</text>'
    )
    if remission_line is not None:
        y = y_of(remission_line)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#2e7d32" stroke-width="1" stroke-dasharray="1.5,2"/>'
        )
        parts.append(
            f'<text x="{left + 2}" y="{y - 2:.1f}" font-size="6.5" fill="#2e7d32">'
            f"remission &lt; {remission_line:g}</text>"
        )
    if response_line is not None:
        y = y_of(response_line)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#1565c0" stroke-width="1" stroke-dasharray="4,2"/>'
        )
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{y - 2:.1f}" font-size="6.5" '
            f'text-anchor="middle" fill="#1565c0">response: 50% below baseline '
            f"({response_line:g})</text>"
        )
    ordered = sorted(points)
    if len(ordered) > 1:
        path = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in ordered)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#222" stroke-width="1.2"/>')
    # With many administrations the line alone is readable; dots would only blot it.
    dotted = ordered if len(ordered) <= MAX_DOTS else ordered[:1]
    for index, (day, value) in enumerate(dotted):
        x, y = x_of(day), y_of(value)
        if index == 0:
            parts.append(
                f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="#222"/>'
            )
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="#222"/>')
    if not ordered:
        parts.append(
            f'<text x="{left + 6}" y="{top + plot_h / 2:.1f}" font-size="8" '
            'fill="#555">No administrations in this period.</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_trend(
    values: Sequence[tuple[str, float | None]], unit: str, width: int = 340, height: int = 90
) -> str:
    """A plain bar chart of one value per period (weeks or months), labelled at the ends."""
    left, right, top, bottom = 26, 6, 8, 18
    plot_w, plot_h = width - left - right, height - top - bottom
    finite = [v for _, v in values if v is not None]
    peak = max(finite) if finite else 1.0
    peak = peak if peak > 0 else 1.0
    parts = [_svg_open(width, height, f"trend of {unit}")]
    parts.append(
        f'<text x="{left - 3}" y="{top + 6}" font-size="7" text-anchor="end" '
        f'fill="#444">{peak:.1f}</text>'
    )
    parts.append(
        f'<text x="{left - 3}" y="{top + plot_h}" font-size="7" text-anchor="end" '
        'fill="#444">0</text>'
    )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
        f'y2="{top + plot_h}" stroke="#999" stroke-width="0.6"/>'
    )
    slot = plot_w / max(len(values), 1)
    for index, (_, value) in enumerate(values):
        if value is None:
            continue
        h = plot_h * value / peak
        parts.append(
            f'<rect x="{left + index * slot + slot * 0.15:.1f}" '
            f'y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            'fill="#1b7f3b"/>'
        )
    if values:
        parts.append(
            f'<text x="{left}" y="{height - 5}" font-size="7" fill="#444">'
            f"{escape(values[0][0])}</text>"
        )
        parts.append(
            f'<text x="{left + plot_w}" y="{height - 5}" font-size="7" '
            f'text-anchor="end" fill="#444">{escape(values[-1][0])}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 5}" font-size="7" '
        f'text-anchor="middle" fill="#444">{escape(unit)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">'
    )

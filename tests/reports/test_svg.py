"""Known-answer checks of the hand-drawn SVG figures."""

from __future__ import annotations

import re
from datetime import date

from defusedxml import ElementTree

from kratom_journal.reports.model import ScoreBand, SleepLogRow
from kratom_journal.reports.svg import bar_trend, score_chart, sleep_log_chart


def test_sleep_log_bars_sit_at_their_clock_times() -> None:
    # width 700, left 62, right 8: 630 px for 1440 minutes, 0.4375 px per minute
    row = SleepLogRow(date(2024, 3, 30), (660.0, 1140.0), (680.0, 1100.0), ((540.0, "kratom"),))
    svg = sleep_log_chart([row], width=700)
    ElementTree.fromstring(svg)  # well-formed
    assert '<rect x="350.8" y="23.0" width="210.0"' in svg  # in bed 23:00 to 07:00
    assert '<rect x="359.5" y="25.0" width="183.8"' in svg  # asleep 23:20 to 06:20
    assert re.search(r'<text x="298\.2" [^>]*fill="#1b7f3b">K</text>', svg)  # kratom at 21:00


def test_score_chart_lines_and_escaping() -> None:
    bands = [ScoreBand(0, 4, "minimal"), ScoreBand(5, 9, "mild <test>")]
    svg = score_chart(
        [(date(2025, 1, 1), 12), (date(2025, 1, 15), 6)],
        bands,
        max_score=27,
        start=date(2025, 1, 1),
        end=date(2025, 1, 29),
        response_line=6.0,
        remission_line=5.0,
    )
    ElementTree.fromstring(svg)
    assert "mild &lt;test&gt;" in svg
    assert "response: 50% below baseline (6)" in svg
    assert "remission &lt; 5" in svg
    assert svg.count("<circle") == 1 and "<polyline" in svg  # baseline drawn as a square


def test_empty_figures_say_so() -> None:
    assert "No diary nights in this period." in sleep_log_chart([])
    assert "No administrations in this period." in score_chart(
        [], [], 21, date(2025, 1, 1), date(2025, 1, 2)
    )
    ElementTree.fromstring(bar_trend([], "doses per day"))

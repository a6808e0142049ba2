"""The report's kratom section: how often, in which forms, the trend, side effects and signals.

Every dose and side effect counts on its journal day (04:00 to 04:00 local time).
The section describes use; it never recommends an amount.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Form, SideEffect
from kratom_journal.reports.model import KratomSection
from kratom_journal.safety.signals import SafetyReport
from kratom_journal.services.report import DoseFact, Period

SHOWN_IN_TABLE = frozenset({"seven_oh", "withdrawal_scores", "self_check"})
"""Signals the kratom table already states; listed again only when they call for notice."""

SEVERITY_NAMES = {0: "none", 1: "mild", 2: "moderate", 3: "severe"}


def kratom_section(
    doses: Sequence[DoseFact],
    effects: Sequence[SideEffect],
    moods: Sequence[int],
    period: Period,
    safety: SafetyReport,
    sows: Sequence[tuple[date, float]] = (),
    self_checks: Sequence[tuple[date, float]] = (),
) -> KratomSection:
    """The kratom section of the doses, side effects and moods of ``period``.

    ``safety`` is the safety report as of the period's last day (what ``kj safety``
    shows then); ``sows`` and ``self_checks`` are every score, the period's are listed.
    """
    kratom = [d for d in doses if d.substance == "kratom"]
    per_day = Counter(journal_day(d.taken_at, d.zone) for d in kratom)
    forms = Counter((d.form.value if d.form else "not given") for d in kratom)
    strains = Counter((d.strain or "not given") for d in kratom)
    others = Counter(d.substance for d in doses if d.substance != "kratom")
    labels, values, unit = trend(per_day, period)
    return KratomSection(
        kratom_days=len(per_day),
        days=period.days,
        doses=len(kratom),
        days_per_week=round(7 * len(per_day) / period.days, 1),
        doses_per_use_day=round(len(kratom) / len(per_day), 1) if per_day else None,
        forms=forms.most_common(),
        strains=strains.most_common(6),
        seven_oh_doses=sum(1 for d in kratom if d.form is Form.SEVEN_OH),
        extract_doses=sum(1 for d in kratom if d.form is Form.EXTRACT),
        trend=list(zip(labels, values, strict=True)),
        trend_label=unit,
        trend_text=trend_text(values),
        other_substances=others.most_common(),
        signals=[
            {"title": s.title, "observed": s.observed, "level": s.level.value}
            for s in safety.signals
            if s.level.value != "info" or s.id not in SHOWN_IN_TABLE
        ],
        sows=_in_period(sows, period),
        self_checks=_in_period(self_checks, period),
        side_effects=side_effect_rows(effects),
        mood_checkins=len(moods),
        mood_mean=round(statistics.fmean(moods), 1) if moods else None,
    )


def _in_period(scores: Sequence[tuple[date, float]], period: Period) -> list[dict[str, Any]]:
    return [{"date": day, "total": total} for day, total in scores if day in period]


def trend(per_day: Counter[date], period: Period) -> tuple[list[str], list[float | None], str]:
    """Doses per day averaged by week (periods up to 16 weeks) or by month."""
    if period.days <= 16 * 7:
        labels: list[str] = []
        values: list[float | None] = []
        start = period.start
        while start <= period.end:
            end = min(start + timedelta(days=6), period.end)
            days = (end - start).days + 1
            total = sum(per_day.get(start + timedelta(days=i), 0) for i in range(days))
            labels.append(f"{start:%d %b}")
            values.append(round(total / days, 2))
            start = end + timedelta(days=1)
        return labels, values, "kratom doses per day, by week"
    totals: dict[tuple[int, int], int] = defaultdict(int)
    spans: dict[tuple[int, int], int] = defaultdict(int)
    day = period.start
    while day <= period.end:
        totals[(day.year, day.month)] += per_day.get(day, 0)
        spans[(day.year, day.month)] += 1
        day += timedelta(days=1)
    keys = sorted(spans)
    monthly: list[float | None] = [round(totals[k] / spans[k], 2) for k in keys]
    return (
        [f"{date(y, m, 1):%b %Y}" for y, m in keys],
        monthly,
        "kratom doses per day, by month",
    )


def trend_text(values: list[float | None]) -> str:
    """The trend in words: first half of the period against the second (no test).

    >>> trend_text([1.0])
    'Too short a period to describe a trend.'
    """
    finite = [v for v in values if v is not None]
    if len(finite) < 2:
        return "Too short a period to describe a trend."
    half = len(finite) // 2
    first, last = statistics.fmean(finite[:half]), statistics.fmean(finite[half:])
    return (
        f"Doses per day averaged {first:.2f} in the first half of the period and "
        f"{last:.2f} in the second half (descriptive, no test)."
    )


def side_effect_rows(effects: Sequence[SideEffect]) -> list[dict[str, Any]]:
    """Each symptom felt in the period: on how many journal days, how bad at worst, when last."""
    by_symptom: dict[str, list[SideEffect]] = defaultdict(list)
    for effect in effects:
        if effect.severity > 0:
            by_symptom[effect.symptom.value.replace("_", " ")].append(effect)
    rows = []
    for name, items in sorted(by_symptom.items(), key=lambda kv: -len(kv[1])):
        days = {journal_day(e.at, e.zone) for e in items}
        rows.append(
            {
                "symptom": name,
                "days": len(days),
                "worst": SEVERITY_NAMES[max(e.severity for e in items)],
                "last": max(days),
            }
        )
    return rows

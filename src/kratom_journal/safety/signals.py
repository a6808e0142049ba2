"""Dependence and withdrawal signals from a person's own journal.

Each signal states what was observed, why it matters (with sources from
``data/signal_notes.json``) and what a person can do. Signals never diagnose,
never name an amount, and never tell anyone to stop: stopping abruptly after
regular use can itself cause withdrawal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from scipy import stats

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, SideEffect
from kratom_journal.safety import data
from kratom_journal.safety.schemas import Helpline
from kratom_journal.safety.trend import MIN_DAYS_FOR_TREND, TrendEstimate, linear_trend

WINDOW_DAYS = 28
KRATOM = "kratom"

ACTION_TALK = (
    "Talk to a clinician or pharmacist about what you see here; they can help without judgement."
)
ACTION_STOPPING = (
    "If you are thinking about changing how you use kratom, plan it with a clinician: stopping "
    "suddenly after regular use can cause withdrawal, including poor sleep."
)
ACTION_NO_HELPLINE = (
    "We have no checked substance-use helpline for your country; a clinician or pharmacist can "
    "point you to local services."
)
ACTION_SET_COUNTRY = (
    "Set your country (kj config set country XX) to see a national helpline where we have one."
)
NOT_A_DIAGNOSIS = "These are observations from your own journal, not a diagnosis."


class Level(StrEnum):
    """How prominently a signal is shown; never a verdict about the person."""

    INFO = "info"
    NOTICE = "notice"


@dataclass(frozen=True)
class Signal:
    """One observation with why it matters and its sources."""

    id: str
    title: str
    observed: str
    why: str
    sources: tuple[str, ...]
    level: Level = Level.INFO
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level.value,
            "observed": self.observed,
            "why": self.why,
            "sources": list(self.sources),
            "values": self.values,
        }


@dataclass(frozen=True)
class SafetyReport:
    """All signals for one day, plus what a person can do."""

    today: date
    signals: tuple[Signal, ...]
    actions: tuple[str, ...]
    helpline: Helpline | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "note": NOT_A_DIAGNOSIS,
            "signals": [s.to_dict() for s in self.signals],
            "actions": list(self.actions),
            "helpline": self.helpline.model_dump(mode="json") if self.helpline else None,
        }


# --- daily series -----------------------------------------------------------------


def kratom_doses(doses: Iterable[Dose]) -> list[Dose]:
    """Only kratom doses (other substances are for the interaction check)."""
    return [d for d in doses if d.substance == KRATOM]


def dose_day(dose: Dose) -> date:
    """The journal day of a dose: 04:00 to 04:00 on the clock of the zone it was logged in."""
    return journal_day(dose.taken_at, dose.zone)


def effect_day(effect: SideEffect) -> date:
    """The journal day of a side effect (04:00 to 04:00 local time)."""
    return journal_day(effect.at, effect.zone)


def daily_counts(doses: Sequence[Dose], start: date, end: date) -> list[int]:
    """Doses per day for each day from ``start`` to ``end`` inclusive."""
    counts = Counter(dose_day(d) for d in doses)
    return [counts.get(start + timedelta(days=i), 0) for i in range((end - start).days + 1)]


def daily_grams(doses: Sequence[Dose], start: date, end: date) -> list[float]:
    """Grams per day; ``nan`` on a day with any dose whose grams are unknown."""
    totals: dict[date, float] = defaultdict(float)
    for dose in doses:
        grams = dose.grams
        day = dose_day(dose)
        totals[day] = math.nan if grams is None else totals[day] + grams
    return [totals.get(start + timedelta(days=i), 0.0) for i in range((end - start).days + 1)]


def longest_run(days: Iterable[date]) -> int:
    """Longest run of consecutive days in ``days``.

    >>> longest_run([date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 4)])
    2
    """
    ordered = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def current_run(days: Iterable[date], today: date) -> int:
    """Consecutive dosing days ending today or yesterday (0 if neither)."""
    present = set(days)
    day = today if today in present else today - timedelta(days=1)
    run = 0
    while day in present:
        run += 1
        day -= timedelta(days=1)
    return run


def window(doses: Sequence[Dose], today: date) -> tuple[date, date]:
    """The last 28 days, starting no earlier than the first logged dose."""
    start = today - timedelta(days=WINDOW_DAYS - 1)
    first = min((dose_day(d) for d in doses), default=today)
    return max(start, first), today


# --- individual signals -----------------------------------------------------------


def _note(signal_id: str) -> tuple[str, str, tuple[str, ...]]:
    note = next(n for n in data.signal_notes().notes if n.id == signal_id)
    return note.title, note.why, tuple(s.cite() for s in note.sources)


def _signal(signal_id: str, observed: str, level: Level = Level.INFO, **values: Any) -> Signal:
    title, why, sources = _note(signal_id)
    return Signal(signal_id, title, observed, why, sources, level, values)


def frequency_signal(doses: Sequence[Dose], today: date) -> Signal:
    start, end = window(doses, today)
    counts = daily_counts(doses, start, end)
    n_days = len(counts)
    dosing_days = sum(1 for c in counts if c)
    per_dosing_day = sum(counts) / dosing_days if dosing_days else 0.0
    days_per_week = 7 * dosing_days / n_days
    observed = (
        f"In the last {n_days} days you logged kratom on {dosing_days} days "
        f"({days_per_week:.1f} days a week), {per_dosing_day:.1f} times a day on those days."
    )
    level = Level.NOTICE if days_per_week >= 6 or per_dosing_day >= 3 else Level.INFO
    return _signal(
        "frequency",
        observed,
        level,
        days=n_days,
        dosing_days=dosing_days,
        days_per_week=round(days_per_week, 2),
        doses_per_dosing_day=round(per_dosing_day, 2),
    )


def run_signal(doses: Sequence[Dose], today: date) -> Signal:
    days = [dose_day(d) for d in doses]
    longest, current = longest_run(days), current_run(days, today)
    observed = (
        f"Your longest run of consecutive days with kratom is {longest} days; "
        f"the current run is {current} days."
    )
    level = Level.NOTICE if current >= WINDOW_DAYS else Level.INFO
    return _signal("consecutive_run", observed, level, longest=longest, current=current)


def _trend_signal(signal_id: str, series: list[float], unit: str) -> Signal:
    usable = sum(1 for v in series if math.isfinite(v))
    if usable < MIN_DAYS_FOR_TREND:
        more = MIN_DAYS_FOR_TREND - usable
        return _signal(
            signal_id,
            f"Not enough data yet for a trend ({more} more days needed).",
            trend=None,
        )
    trend: TrendEstimate = linear_trend(series)
    level = Level.NOTICE if trend.direction.value == "rising" else Level.INFO
    observed = f"{unit.capitalize()}: {trend.summary(unit)}. Method: {trend.method}."
    return _signal(
        signal_id,
        observed,
        level,
        trend={
            "direction": trend.direction.value,
            "slope_per_week": round(trend.slope_per_week, 4),
            "ci_low": round(trend.ci_low, 4),
            "ci_high": round(trend.ci_high, 4),
            "n_days": trend.n_days,
            "method": trend.method,
        },
    )


def doses_trend_signal(doses: Sequence[Dose], today: date) -> Signal:
    start, end = window(doses, today)
    series = [float(c) for c in daily_counts(doses, start, end)]
    return _trend_signal("doses_trend", series, "doses/day")


def grams_trend_signal(doses: Sequence[Dose], today: date) -> Signal:
    start, end = window(doses, today)
    return _trend_signal("grams_trend", daily_grams(doses, start, end), "grams/day")


def seven_oh_signal(doses: Sequence[Dose], today: date) -> Signal:
    start = today - timedelta(days=WINDOW_DAYS - 1)
    recent = [d for d in doses if d.is_seven_oh and start <= dose_day(d) <= today]
    ever = [d for d in doses if d.is_seven_oh]
    if not ever:
        return _signal("seven_oh", "No concentrated 7-OH products logged.", uses_28d=0)
    last = max(dose_day(d) for d in ever).isoformat()
    observed = (
        f"You logged a concentrated 7-OH product {len(recent)} times in the last "
        f"{WINDOW_DAYS} days (last on {last})."
    )
    return _signal("seven_oh", observed, Level.NOTICE, uses_28d=len(recent), last=last)


def withdrawal_signal(sows: Sequence[tuple[date, float]]) -> Signal:
    """SOWS totals (0-64) over time: latest, change and trend per week if 3+ scores."""
    if not sows:
        return _signal("withdrawal_scores", "No withdrawal (SOWS) scores yet.", scores=[])
    ordered = sorted(sows)
    last_day, last = ordered[-1]
    observed = f"Latest SOWS score {last:g} of 64 on {last_day.isoformat()}"
    if len(ordered) > 1:
        observed += f" (previous {ordered[-2][1]:g} on {ordered[-2][0].isoformat()})"
    observed += f"; {len(ordered)} score{'s' if len(ordered) != 1 else ''} in total."
    trend = score_trend(ordered)
    if trend is not None:
        slope, low, high = trend
        observed += (
            f" Change over time: {slope:+.1f} points per week (95% CI {low:+.1f} to {high:+.1f})."
        )
    scores = [{"date": d.isoformat(), "score": s} for d, s in ordered]
    return _signal(
        "withdrawal_scores",
        observed,
        scores=scores,
        latest=last,
        trend_per_week=None if trend is None else [round(v, 3) for v in trend],
    )


def score_trend(scores: Sequence[tuple[date, float]]) -> tuple[float, float, float] | None:
    """OLS slope of score on date, per week, with a t-based 95% interval (3+ scores).

    Questionnaire scores are taken days apart, so plain OLS is used; with few scores
    the interval is wide, which is the honest answer.
    """
    if len(scores) < 3 or len({d for d, _ in scores}) < 2:
        return None
    first = scores[0][0]
    x = [float((d - first).days) for d, _ in scores]
    y = [float(v) for _, v in scores]
    fit = stats.linregress(x, y)
    half = float(stats.t.ppf(0.975, len(x) - 2)) * float(fit.stderr)
    slope = float(fit.slope)
    return 7 * slope, 7 * (slope - half), 7 * (slope + half)


def self_check_signal(checks: Sequence[tuple[date, int]]) -> Signal:
    """Latest count of self-check items (0-11) answered yes; a screen, not a diagnosis."""
    if not checks:
        return _signal("self_check", "No kratom-use self-check taken yet.", latest=None)
    day, count = max(checks)
    observed = (
        f"Your latest self-check on {day.isoformat()} counted {count} of 11 items "
        "(the self-check's own bands: 2-3 mild, 4-5 moderate, 6 or more severe). "
        "It is a screen, not a diagnosis; a clinician can assess it properly."
    )
    level = Level.NOTICE if count >= 2 else Level.INFO
    return _signal("self_check", observed, level, latest=count, date=day.isoformat())


def side_effect_signal(effects: Sequence[SideEffect], today: date) -> Signal:
    """Daily sum of side-effect severities over the last 28 days, with its trend."""
    if not effects:
        return _signal("side_effects", "No side effects logged.", trend=None)
    first = min(effect_day(e) for e in effects)
    start = max(today - timedelta(days=WINDOW_DAYS - 1), first)
    totals: dict[date, float] = defaultdict(float)
    for effect in effects:
        totals[effect_day(effect)] += effect.severity
    series = [totals.get(start + timedelta(days=i), 0.0) for i in range((today - start).days + 1)]
    return _trend_signal("side_effects", series, "severity points/day")


# --- the report -------------------------------------------------------------------


def helpline_for(country: str | None) -> Helpline | None:
    """The shipped substance-use helpline for an ISO 3166-1 country, if any."""
    if not country:
        return None
    code = country.strip().upper()[:2]
    return next((h for h in data.helplines().helplines if h.country == code), None)


def actions(country: str | None) -> tuple[tuple[str, ...], Helpline | None]:
    """What a person can do: clinician/pharmacist, a helpline, and the withdrawal caution."""
    helpline = helpline_for(country)
    if helpline:
        reach = f"For confidential support: {helpline.display()}."
    else:
        reach = ACTION_NO_HELPLINE if country else ACTION_SET_COUNTRY
    return (ACTION_TALK, reach, ACTION_STOPPING), helpline


def build_report(
    doses: Iterable[Dose],
    today: date,
    *,
    sows: Sequence[tuple[date, float]] = (),
    self_checks: Sequence[tuple[date, int]] = (),
    side_effects: Sequence[SideEffect] = (),
    country: str | None = None,
) -> SafetyReport:
    """Compute every signal for ``today`` from plain journal data."""
    kratom = [d for d in kratom_doses(doses) if dose_day(d) <= today]
    signals = (
        frequency_signal(kratom, today),
        run_signal(kratom, today),
        doses_trend_signal(kratom, today),
        grams_trend_signal(kratom, today),
        seven_oh_signal(kratom, today),
        withdrawal_signal(sows),
        self_check_signal(self_checks),
        side_effect_signal([e for e in side_effects if effect_day(e) <= today], today),
    )
    todo, helpline = actions(country)
    return SafetyReport(today, signals, todo, helpline)


def report_lines(report: SafetyReport) -> list[str]:
    """Plain-text rendering used by the CLI (and a fallback for other faces)."""
    lines = [f"Safety signals for {report.today.isoformat()}. {NOT_A_DIAGNOSIS}", ""]
    for signal in report.signals:
        marker = "!" if signal.level is Level.NOTICE else "-"
        lines.append(f"{marker} {signal.title}")
        lines.append(f"  Observed: {signal.observed}")
        lines.append(f"  Why it matters: {signal.why}")
        lines.extend(f"  Source: {s}" for s in signal.sources)
    lines.append("")
    lines.append("What you can do:")
    lines.extend(f"- {a}" for a in report.actions)
    return lines

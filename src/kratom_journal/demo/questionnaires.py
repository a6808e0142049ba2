"""Seeded demo questionnaires for the demo journal (PHQ-9 and GAD-7 every two weeks)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.instruments import Instrument, shipped_instrument
from kratom_journal.services.questionnaires import record_administration
from kratom_journal.store.journal import Journal

EVERY_DAYS = 14


def add_demo_administrations(
    journal: Journal, start: date, end: date, zone: str = "UTC", seed: int = 7
) -> int:
    """Record PHQ-9 and GAD-7 every 14 days from ``start`` to ``end``; returns how many.

    Answers drift gently downwards with noise. PHQ-9 item 9 is always 0 in
    demo data, so that the demo does not pretend a crisis.
    """
    rng = random.Random(seed)
    tz = ZoneInfo(zone)
    count = 0
    day = start
    step = 0
    while day <= end:
        at = datetime.combine(day, time(9, 0), tzinfo=tz)
        for instrument_id in ("phq9", "gad7"):
            instrument = shipped_instrument(instrument_id)
            answers = _answers(instrument, rng, level=max(0.3, 1.4 - 0.15 * step))
            record_administration(journal, instrument, answers, at, zone)
            count += 1
        day += timedelta(days=EVERY_DAYS)
        step += 1
    return count


def _answers(instrument: Instrument, rng: random.Random, level: float) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for item in instrument.scored_items:
        if any(rule.item == item.id for rule in instrument.safety):
            answers[item.id] = 0
            continue
        value = round(level + rng.gauss(0, 0.6))
        answers[item.id] = min(3, max(0, value))
    return answers

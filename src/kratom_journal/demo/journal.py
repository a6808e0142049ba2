"""A seeded generator of realistic demo journals, for ``kj demo``, tests and screenshots.

The story is deliberately not an advertisement: evening kratom is followed by
slightly shorter sleep onset on some nights and more wakefulness on others, the
effects are small against night-to-night noise, and a stretch of rising dose
frequency brings more side effects and rough nights after skipped days. Journals of
``BREAK_MIN_JOURNAL`` days or more hold one break of about two weeks from kratom late in the
stretch of frequent use: its first nights are rough (worse sleep, lower mood, more
anxiety, fading over ``len(BREAK_WITHDRAWAL)`` nights), and the later nights of the
break give the sustained-use question its comparison nights.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kratom_journal.domain.entries import (
    Dose,
    Entry,
    Form,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)

DEMO_ZONE = "America/Chicago"

_STRAINS = (
    ("Red Bali", Form.POWDER, "Leafline"),
    ("Green Maeng Da", Form.POWDER, "Leafline"),
    ("White Borneo", Form.CAPSULE, "Canopy Caps"),
    ("Red Indo", Form.POWDER, "Harbor Botanicals"),
)

BREAK_DAYS = 16
"""Length of the one break from kratom (days without any dose)."""
BREAK_START = 0.6
"""Where the break starts, as a share of the journal (inside the stretch of frequent use)."""
BREAK_CLEAR_OF_END = 21
"""Days at the end kept free of the break (the demo's running experiment uses them)."""
BREAK_MIN_JOURNAL = 60
"""Shorter demo journals have no break."""
BREAK_WITHDRAWAL = (1.0, 0.8, 0.5)
"""How rough nights 1, 2, 3 of the break are, against the night after one skipped day (1.0)."""


@dataclass
class _State:
    """Slowly varying quantities of the simulated person."""

    sol_noise: float = 0.0
    mood_noise: float = 0.0
    dependence: float = 0.0


def generate_demo_entries(
    days: int = 150, seed: int = 7, end: date | None = None, zone_name: str = DEMO_ZONE
) -> list[Entry]:
    """Return a demo journal's entries for ``days`` nights ending the night before ``end``.

    The same seed and end date always give the same journal.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    rng = random.Random(seed)
    zone = ZoneInfo(zone_name)
    last = end or date(2026, 11, 1)
    first = last - timedelta(days=days)
    state = _State()
    entries: list[Entry] = []
    previous_doses = 1
    pause = _break_days(days)
    for offset in range(days):
        day = first + timedelta(days=offset)
        phase = _phase(offset, days)
        doses = _day_doses(rng, day, zone, phase, zone_name)
        if offset in pause:
            doses = []  # drawn all the same, so the days around the break stay as they were
        entries.extend(doses)
        kratom = [d for d in doses if d.substance == "kratom"]
        state.dependence = 0.9 * state.dependence + 0.1 * min(len(kratom), 3) / 3
        entries.extend(_other_substances(rng, day, zone, zone_name))
        withdrawal = 1.0 if not kratom and previous_doses >= 2 else 0.0
        if offset in pause:
            night_of_break = offset - pause.start
            if night_of_break < len(BREAK_WITHDRAWAL):
                withdrawal = BREAK_WITHDRAWAL[night_of_break]
        night = _night(rng, day, zone, zone_name, state, kratom, withdrawal)
        if night is not None:
            entries.append(night)
        entries.extend(_mood(rng, day, zone, zone_name, state, night, withdrawal))
        entries.extend(_side_effects(rng, day, zone, zone_name, state, len(kratom)))
        previous_doses = len(kratom)
    return entries


def _break_days(days: int) -> range:
    """Offsets of the break's days (empty for short journals)."""
    if days < BREAK_MIN_JOURNAL:
        return range(0)
    start = min(int(days * BREAK_START), days - BREAK_CLEAR_OF_END - BREAK_DAYS)
    return range(start, start + BREAK_DAYS)


def _phase(offset: int, days: int) -> float:
    """0 = occasional use; rises to 1 over the middle stretch, easing a little at the end."""
    start, peak = int(days * 0.4), int(days * 0.7)
    if offset < start:
        return 0.0
    if offset < peak:
        return (offset - start) / max(peak - start, 1)
    return 0.8


def _at(day: date, hour: float, zone: ZoneInfo) -> datetime:
    whole = int(hour) % 24
    minute = int((hour - int(hour)) * 60)
    moment = datetime.combine(day + timedelta(days=int(hour) // 24), time(whole, minute))
    return moment.replace(tzinfo=zone)


def _day_doses(
    rng: random.Random, day: date, zone: ZoneInfo, phase: float, zone_name: str
) -> list[Dose]:
    use_today = rng.random() < 0.6 + 0.38 * phase
    if not use_today:
        return []
    count = 1 + (rng.random() < phase * 0.8) + (rng.random() < phase * 0.45)
    hours = sorted([20.5 + rng.gauss(0, 0.8)] + [rng.uniform(9, 16) for _ in range(count - 1)])
    strain, form, product = _STRAINS[rng.randrange(len(_STRAINS))]
    doses = []
    for hour in hours:
        if form is Form.CAPSULE:
            amount, unit, per_capsule = float(rng.choice([4, 5, 6])), Unit.CAPSULE, 0.5
        else:
            amount, unit, per_capsule = round(rng.uniform(2.0, 4.0) + phase, 1), Unit.G, None
        doses.append(
            Dose(
                taken_at=_at(day, hour, zone),
                amount=amount,
                unit=unit,
                form=form,
                strain=strain,
                product=product,
                grams_per_capsule=per_capsule,
                zone=zone_name,
            )
        )
    if rng.random() < 0.03:
        doses.append(
            Dose(
                taken_at=_at(day, 21.5, zone),
                amount=1.0,
                unit=Unit.CAPSULE,
                form=Form.EXTRACT,
                strain="Maeng Da extract",
                product="Extract 15x",
                grams_per_capsule=0.25,
                zone=zone_name,
            )
        )
    return doses


def _other_substances(rng: random.Random, day: date, zone: ZoneInfo, zone_name: str) -> list[Dose]:
    doses = [
        Dose(
            taken_at=_at(day, 7.5 + rng.uniform(0, 1), zone),
            amount=float(rng.choice([80, 95, 120, 160])),
            unit=Unit.MG,
            substance="caffeine",
            zone=zone_name,
        )
    ]
    if rng.random() < 0.3:
        doses.append(
            Dose(
                taken_at=_at(day, 14.5 + rng.uniform(0, 2.5), zone),
                amount=80.0,
                unit=Unit.MG,
                substance="caffeine",
                note="afternoon coffee",
                zone=zone_name,
            )
        )
    if day.weekday() >= 4 and rng.random() < 0.55:
        doses.append(
            Dose(
                taken_at=_at(day, 19 + rng.uniform(0, 2), zone),
                amount=float(rng.choice([1, 2, 2, 3])),
                unit=Unit.STANDARD_DRINK,
                substance="alcohol",
                zone=zone_name,
            )
        )
    if rng.random() < 0.08:
        doses.append(
            Dose(
                taken_at=_at(day, 22.5, zone),
                amount=3.0,
                unit=Unit.MG,
                substance="melatonin",
                zone=zone_name,
            )
        )
    return doses


def _night(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    zone_name: str,
    state: _State,
    kratom: list[Dose],
    withdrawal: float,
) -> SleepDiaryEntry | None:
    if rng.random() < 0.1:
        return None  # a night the person did not fill in
    state.sol_noise = 0.5 * state.sol_noise + rng.gauss(0, 9)
    evening = any(d.taken_at.hour >= 17 for d in kratom)
    sol = 24 + state.sol_noise - (4 if evening else 0) + 25 * withdrawal
    waso = max(
        0.0,
        22 + rng.gauss(0, 12) + (6 if evening else 0) + 30 * withdrawal + 15 * state.dependence,
    )
    bed = 22.5 + rng.gauss(0, 0.5) + (0.75 if day.weekday() >= 4 else 0)
    tried = bed + max(0.0, rng.gauss(0.3, 0.2))
    final = tried + 7.6 + rng.gauss(0, 0.6)
    sol_min, waso_min = max(2, round(sol)), round(waso)
    awakenings = 0 if waso_min == 0 else max(1, round(waso_min / 12 + rng.random()))
    quality = int(min(5, max(1, round(3.4 - (sol_min + waso_min - 45) / 35 + rng.gauss(0, 0.6)))))
    note = "couldn't settle, restless legs" if withdrawal > 0 and rng.random() < 0.5 else None
    return SleepDiaryEntry(
        night=day,
        bed_at=_at(day, bed, zone),
        tried_at=_at(day, tried, zone),
        sol_min=sol_min,
        awakenings=awakenings,
        waso_min=waso_min,
        final_wake_at=_at(day, final, zone),
        out_of_bed_at=_at(day, final + abs(rng.gauss(0.3, 0.2)), zone),
        quality=quality,
        nap_count=1 if rng.random() < 0.1 else None,
        nap_min=25 if rng.random() < 0.1 else None,
        note=note,
        zone=zone_name,
    )


def _mood(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    zone_name: str,
    state: _State,
    night: SleepDiaryEntry | None,
    withdrawal: float,
) -> list[MoodCheckin]:
    if rng.random() < 0.15:
        return []
    state.mood_noise = 0.6 * state.mood_noise + rng.gauss(0, 0.9)
    sleep_penalty = 0.0 if night is None else (night.sol_min + night.waso_min - 45) / 40
    mood = round(6 + state.mood_noise - sleep_penalty - 1.2 * withdrawal)
    anxiety = round(3.5 - state.mood_noise / 2 + 2 * withdrawal + rng.gauss(0, 1))
    energy = round(5.5 + rng.gauss(0, 1.3) - sleep_penalty)
    return [
        MoodCheckin(
            at=_at(day + timedelta(days=1), 19 + rng.uniform(0, 2), zone),
            mood=_clip(mood),
            anxiety=_clip(anxiety),
            energy=_clip(energy),
            zone=zone_name,
        )
    ]


def _clip(value: int) -> int:
    return min(10, max(0, value))


def _side_effects(
    rng: random.Random, day: date, zone: ZoneInfo, zone_name: str, state: _State, doses: int
) -> list[SideEffect]:
    effects: list[SideEffect] = []
    if doses and rng.random() < 0.05 + 0.35 * state.dependence:
        effects.append(
            SideEffect(
                at=_at(day, 12, zone),
                symptom=Symptom.CONSTIPATION,
                severity=1 + (rng.random() < state.dependence),
                zone=zone_name,
            )
        )
    if doses >= 2 and rng.random() < 0.08:
        effects.append(
            SideEffect(at=_at(day, 21.8, zone), symptom=Symptom.NAUSEA, severity=1, zone=zone_name)
        )
    if doses and rng.random() < 0.04:
        effects.append(
            SideEffect(at=_at(day, 22, zone), symptom=Symptom.ITCHING, severity=1, zone=zone_name)
        )
    return effects

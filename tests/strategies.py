"""Hypothesis strategies for journal entries: odd zones, DST nights, Unicode notes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from kratom_journal.domain.entries import (
    Dose,
    Form,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "UTC",
    "Pacific/Kiritimati",
    "America/Anchorage",
]
# Nights around DST changes are drawn often on purpose.
DST_DAYS = [
    date(2024, 3, 30),
    date(2024, 3, 9),
    date(2024, 10, 26),
    date(2024, 11, 2),
    date(2024, 4, 6),
    date(2024, 9, 28),
]

zones = st.sampled_from(ZONES).map(ZoneInfo)
notes = st.none() | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
# The journal takes entries from 1970 to a day from now; drawn days stay in the past.
days = st.sampled_from(DST_DAYS) | st.dates(date(2000, 1, 1), date(2025, 12, 31))


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    zone = draw(zones)
    day = draw(days)
    minutes = draw(st.integers(0, 24 * 60 - 1))
    micro = draw(st.sampled_from([0, 0, 123456]))
    utc = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=minutes, microseconds=micro
    )
    return utc.astimezone(zone)


@st.composite
def doses(draw: st.DrawFn) -> Dose:
    unit = draw(st.sampled_from(list(Unit)))
    return Dose(
        taken_at=draw(instants()),
        amount=draw(st.floats(0.01, 12, allow_nan=False).map(lambda x: round(x, 3))),
        unit=unit,
        substance=draw(
            st.sampled_from(
                ["kratom", "caffeine", "alcohol", "medication:sertraline", "other:kava"]
            )
        ),
        form=draw(st.none() | st.sampled_from(list(Form))),
        strain=draw(st.none() | st.sampled_from(["Red Bali ", "green maeng da", "Weiß Borneo ✓"])),
        product=draw(notes),
        grams_per_capsule=draw(st.none() | st.sampled_from([0.5, 0.45])),
        note=draw(notes),
        zone=draw(st.none() | st.sampled_from(ZONES)),
    )


@st.composite
def nights(draw: st.DrawFn) -> SleepDiaryEntry:
    zone = draw(zones)
    night = draw(days)
    bed_local = datetime(night.year, night.month, night.day, 21, 0, tzinfo=zone)
    bed = bed_local.astimezone(UTC) + timedelta(minutes=draw(st.integers(0, 240)))

    def later(start: datetime, low: int, high: int) -> datetime:
        return start + timedelta(minutes=draw(st.integers(low, high)))

    tried = later(bed, 0, 60)
    final = later(tried, 240, 600)
    window = int((final - tried).total_seconds() // 60)
    sol = draw(st.integers(0, window // 3))
    awakenings = draw(st.integers(0, 6))
    waso = 0 if awakenings == 0 else draw(st.integers(0, window // 3))
    out = later(final, 0, 90)
    return SleepDiaryEntry(
        night=night,
        bed_at=bed.astimezone(zone),
        tried_at=tried.astimezone(zone),
        sol_min=sol,
        awakenings=awakenings,
        waso_min=waso,
        final_wake_at=final.astimezone(zone),
        out_of_bed_at=out.astimezone(zone),
        quality=draw(st.integers(1, 5)),
        nap_count=draw(st.none() | st.integers(0, 3)),
        nap_min=draw(st.none() | st.integers(0, 90)),
        note=draw(notes),
        zone=zone.key,
    )


@st.composite
def moods(draw: st.DrawFn) -> MoodCheckin:
    return MoodCheckin(
        at=draw(instants()),
        mood=draw(st.integers(0, 10)),
        anxiety=draw(st.none() | st.integers(0, 10)),
        energy=draw(st.none() | st.integers(0, 10)),
        note=draw(notes),
    )


@st.composite
def side_effects(draw: st.DrawFn) -> SideEffect:
    return SideEffect(
        at=draw(instants()),
        symptom=draw(st.sampled_from(list(Symptom))),
        severity=draw(st.integers(0, 3)),
        note=draw(notes),
    )


entries = st.one_of(doses(), nights(), moods(), side_effects())

"""Nightly wearable outcomes for the analyses: the chosen night of each date, a few columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kratom_journal.store.journal import Journal
from kratom_journal.store.wearable_tables import WearableNight


@dataclass(frozen=True, slots=True)
class NightOutcomes:
    """The outcomes of one chosen wearable night (``None`` where the device gave none)."""

    night: date
    total_sleep_min: float | None
    awakenings: int | None
    deep_min: float | None
    """Only for nights with sleep stages; ``None`` otherwise."""
    hrv_rmssd_mean: float | None
    hrv_sdnn_mean: float | None


def chosen_night_outcomes(journal: Journal) -> list[NightOutcomes]:
    """The outcomes of every date's chosen wearable night, in no particular order."""
    stmt = select(
        WearableNight.night,
        WearableNight.total_sleep_min,
        WearableNight.awakenings,
        WearableNight.staged,
        WearableNight.deep_min,
        WearableNight.hrv_rmssd_mean,
        WearableNight.hrv_sdnn_mean,
    ).where(WearableNight.chosen.is_(True))
    with journal.reading() as session:
        rows = session.execute(stmt).all()
    return [
        NightOutcomes(night, total, awakenings, deep if staged else None, rmssd, sdnn)
        for night, total, awakenings, staged, deep, rmssd, sdnn in rows
    ]

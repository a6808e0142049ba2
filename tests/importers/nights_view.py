"""The chosen nights of a journal as plain, comparable values (for golden tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kratom_journal.domain.days import night_of
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.store.journal import Journal
from tests.importers.real_shapes import Hypnogram, Stage


@dataclass(frozen=True)
class NightView:
    night: str
    source: str
    bed: str
    rise: str
    in_bed: float
    asleep: float | None
    light: float | None
    deep: float | None
    rem: float | None
    score: float | None = None


def chosen(journal: Journal) -> list[NightView]:
    views = []
    for night, _others in list_nights(journal):
        stages = night.stages
        views.append(
            NightView(
                night.night.isoformat(),
                night.source.name,
                night.bed_at.isoformat(),
                night.out_at.isoformat(),
                night.time_in_bed_min,
                night.total_sleep_min,
                stages.light + stages.unspecified if stages else None,
                stages.deep if stages else None,
                stages.rem if stages else None,
                night.sleep_score,
            )
        )
    return views


def expected(
    hypnogram: Hypnogram, source: str, *, rem_as_light: bool = False, trim_awake: bool = False
) -> NightView:
    """The night a faithful import of ``hypnogram`` gives (the known answer)."""
    stages = list(hypnogram.stages)
    bed, rise = hypnogram.bed, hypnogram.out
    if trim_awake:  # sources that see sleep only: bed is the first, rise the last sleep minute
        while stages[0][0] is Stage.AWAKE:
            bed += timedelta(minutes=stages.pop(0)[1])
        while stages[-1][0] is Stage.AWAKE:
            rise -= timedelta(minutes=stages.pop()[1])
    minutes = {s: float(sum(m for k, m in stages if k is s)) for s in Stage}
    light = minutes[Stage.LIGHT] + (minutes[Stage.REM] if rem_as_light else 0)
    return NightView(
        night_of(bed).isoformat(),
        source,
        bed.isoformat(),
        rise.isoformat(),
        float(sum(m for _k, m in stages)),
        float(sum(m for k, m in stages if k is not Stage.AWAKE)),
        light,
        minutes[Stage.DEEP],
        0.0 if rem_as_light else minutes[Stage.REM],
    )

"""The rows of each tidy table, built from the journal's live entries and stored records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kratom_journal.domain.days import journal_day, night_of
from kratom_journal.domain.entries import (
    Dose,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
)
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services.entries import list_entries
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.sleep.metrics import night_metrics
from kratom_journal.store.journal import Journal, StoredEntry


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def _live(journal: Journal, kind: Kind) -> list[StoredEntry]:
    return list_entries(journal, [kind])


def _night_metrics(entry: SleepDiaryEntry) -> dict[str, float | None]:
    names = ("tib_min", "tst_min", "se_pct", "twak_min")
    try:
        metrics = night_metrics(entry)
    except InvalidEntry:
        return dict.fromkeys(names)
    return {name: getattr(metrics, name, None) for name in names}


def night_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.SLEEP):
        e = stored.entry
        if not isinstance(e, SleepDiaryEntry):
            continue
        rows.append(
            {
                "entry_id": stored.id,
                "night": e.night,
                "zone": e.zone,
                "bed_at": e.bed_at.isoformat(),
                "tried_at": e.tried_at.isoformat(),
                "sol_min": e.sol_min,
                "awakenings": e.awakenings,
                "waso_min": e.waso_min,
                "final_wake_at": e.final_wake_at.isoformat(),
                "out_of_bed_at": e.out_of_bed_at.isoformat(),
                "bed_at_utc": _utc(e.bed_at),
                "out_of_bed_at_utc": _utc(e.out_of_bed_at),
                "quality": e.quality,
                "nap_count": e.nap_count,
                "nap_min": e.nap_min,
                **_night_metrics(e),
                "note": e.note,
            }
        )
    return rows


def dose_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.DOSE):
        d = stored.entry
        if not isinstance(d, Dose):
            continue
        rows.append(
            {
                "entry_id": stored.id,
                "taken_at": d.taken_at.isoformat(),
                "taken_at_utc": _utc(d.taken_at),
                "journal_day": journal_day(d.taken_at, d.zone),
                "night": night_of(d.taken_at, d.zone),
                "substance": d.substance,
                "amount": d.amount,
                "unit": d.unit.value,
                "grams": d.grams,
                "form": d.form.value if d.form else None,
                "strain": d.strain,
                "strain_key": d.strain_key,
                "product": d.product,
                "seven_oh": d.is_seven_oh,
                "zone": d.zone,
                "note": d.note,
            }
        )
    return rows


def checkin_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.MOOD):
        m = stored.entry
        if isinstance(m, MoodCheckin):
            rows.append(
                {
                    "entry_id": stored.id,
                    "at": m.at.isoformat(),
                    "at_utc": _utc(m.at),
                    "journal_day": journal_day(m.at, m.zone),
                    "mood": m.mood,
                    "anxiety": m.anxiety,
                    "energy": m.energy,
                    "zone": m.zone,
                    "note": m.note,
                }
            )
    return rows


def side_effect_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for stored in _live(journal, Kind.SIDE_EFFECT):
        s = stored.entry
        if isinstance(s, SideEffect):
            rows.append(
                {
                    "entry_id": stored.id,
                    "at": s.at.isoformat(),
                    "at_utc": _utc(s.at),
                    "journal_day": journal_day(s.at, s.zone),
                    "symptom": s.symptom.value,
                    "severity": s.severity,
                    "zone": s.zone,
                    "note": s.note,
                }
            )
    return rows


def _administrations(journal: Journal) -> list[Any]:
    return list(list_administrations(journal))


def questionnaire_rows(journal: Journal) -> list[dict[str, Any]]:
    return [
        {
            "administration_id": a.id,
            "instrument_id": a.instrument.id,
            "administered_at": a.administered_at.isoformat(),
            "administered_at_utc": _utc(a.administered_at),
            "total": a.result.total,
            "band": a.result.band,
            "safety_flag": bool(a.result.crisis),
        }
        for a in _administrations(journal)
    ]


def questionnaire_item_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for a in _administrations(journal):
        instrument = a.instrument
        for item in instrument.items:
            value = a.answers.get(item.id)
            option = (
                next(
                    (o for o in instrument.response_sets[item.response_set] if o.value == value),
                    None,
                )
                if value is not None
                else None
            )
            rows.append(
                {
                    "administration_id": a.id,
                    "instrument_id": instrument.id,
                    "administered_at": a.administered_at.isoformat(),
                    "item_id": item.id,
                    "item_loinc": item.loinc,
                    "scored": bool(item.scored),
                    "value": value,
                    "answer_label": option.label if option else None,
                    "answer_loinc": option.loinc if option else None,
                }
            )
    return rows


def wearable_night_rows(journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for night, others in list_nights(journal):
        stages = night.stages
        rows.append(
            {
                "night": night.night,
                "source": night.source.label,
                "other_sources": "; ".join(o.source.label for o in others) or None,
                "bed_at": night.bed_at.isoformat(),
                "out_at": night.out_at.isoformat(),
                "time_in_bed_min": night.time_in_bed_min,
                "total_sleep_min": night.total_sleep_min,
                "sleep_onset_latency_min": night.sleep_onset_latency_min,
                "waso_min": night.waso_min,
                "awakenings": night.awakenings,
                "deep_min": stages.deep if stages else None,
                "light_min": stages.light if stages else None,
                "rem_min": stages.rem if stages else None,
                "heart_rate_mean_bpm": night.heart_rate_mean,
                "hrv_rmssd_ms": night.hrv_rmssd_mean,
            }
        )
    return rows


ROW_BUILDERS: dict[str, Callable[[Journal], list[dict[str, Any]]]] = {
    "nights": night_rows,
    "doses": dose_rows,
    "checkins": checkin_rows,
    "side_effects": side_effect_rows,
    "questionnaires": questionnaire_rows,
    "questionnaire_items": questionnaire_item_rows,
    "wearable_nights": wearable_night_rows,
}

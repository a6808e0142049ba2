"""Wearable samples in the journal's JSON export, and back.

Each group is ``{"source": {vendor, name, version, device}, "samples": [...]}``
with one sample as ``[kind, stage, start_ms, end_ms, start_offset_min,
end_offset_min, value, detail]``. Storage keys and source ids are left out: they
are recomputed on import, so a sample exported from one journal lands under the
same content key in another.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.wearable_samples import derive_touched, night_span
from kratom_journal.services.wearables import PRIORITY_KEY
from kratom_journal.sleep.nights import parse_priority
from kratom_journal.sleep.samples import SourceRef
from kratom_journal.store import wearables as store
from kratom_journal.store.journal import Journal
from kratom_journal.store.wearables import SampleRow, SourceIds, StoreSession


def export_samples(journal: Journal) -> list[dict[str, Any]]:
    """Raw samples for the journal's JSON export, grouped by source, in a stable order."""
    groups: list[dict[str, Any]] = []
    with journal.session() as session:
        sources = SourceIds(session)
        for source_id, ref in store.sources_in_order(sources):
            rows = store.samples_of_source(session, source_id)
            samples = sorted(
                (_exported(row) for row in rows),
                key=lambda r: (r[2], r[0], r[1] or "", r[3], repr(r[6:])),
            )
            groups.append({"source": asdict(ref), "samples": samples})
    return groups


def _exported(row: SampleRow) -> list[Any]:
    return [
        row["kind"],
        row["stage"],
        row["start_ms"],
        row["end_ms"],
        row["start_offset_min"],
        row["end_offset_min"],
        row["value"],
        row["detail"],
    ]


def restore_samples(session: StoreSession, groups: list[dict[str, Any]], origin: str = "") -> int:
    """Add exported samples that are new, then derive their nights; returns how many were new.

    Raises :class:`~kratom_journal.domain.errors.InvalidInput` (a ``ValueError``)
    naming the first malformed group or sample.
    """
    sources = SourceIds(session)
    rows: dict[tuple[int, int], SampleRow] = {}
    for position, group in enumerate(groups, 1):
        try:
            source_id = sources.id(SourceRef(**group["source"]))
            for kind, stage, start, end, s_off, e_off, value, detail in group["samples"]:
                row = store.sample_row(
                    source_id,
                    kind,
                    stage,
                    int(start),
                    int(end),
                    int(s_off),
                    int(e_off),
                    value,
                    detail,
                )
                rows[(row["start_ms"], row["key"])] = row
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"wearable source group {position} is malformed ({exc})") from None
    keys = sorted(rows)
    known = store.known_sample_keys(session, keys)
    fresh = [rows[key] for key in keys if key not in known]
    store.insert_samples(session, fresh)
    touched: set[int] = set()
    for row in rows.values():
        touched.update(night_span(row))
    priority = parse_priority(store.stored_setting(session, PRIORITY_KEY))
    derive_touched(session, touched, priority, ImportSummary("json", origin))
    return len(fresh)

"""Storage behind zone-aware imports: samples as stored, moving them, known sleep windows,
and the saved column maps of sleep CSV files.

An export whose times carry no offset can arrive twice read in two zones (before
and after the journal's zone was set, or again with ``kj import --zone``). The
import service finds the earlier copies with :func:`source_samples`, removes them
with :func:`delete_samples` and adds them again at the right instants. Every
function takes the session of the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session

from kratom_journal.store.wearable_tables import WearableCsvProfile, WearableImport, WearableSample
from kratom_journal.store.wearables import LOOKUP_CHUNK, SampleRow


@dataclass(frozen=True, slots=True)
class StoredSample:
    """A stored sample's place and content, as the zone check compares them."""

    start_ms: int
    key: int
    source_id: int
    kind: str
    stage: str | None
    end_ms: int
    start_offset_min: int
    end_offset_min: int
    value: float | None
    detail: str | None
    import_id: int | None


def source_samples(
    session: Session, source_ids: Iterable[int], start_ms: int, end_ms: int
) -> list[StoredSample]:
    """Every stored sample of these sources that starts in ``[start_ms, end_ms)``."""
    table = WearableSample.__table__
    wanted = sorted(set(source_ids))
    if not wanted:
        return []
    rows = session.connection().execute(
        select(
            table.c.start_ms,
            table.c.key,
            table.c.source_id,
            table.c.kind,
            table.c.stage,
            table.c.end_ms,
            table.c.start_offset_min,
            table.c.end_offset_min,
            table.c.value,
            table.c.detail,
            table.c.import_id,
        ).where(
            table.c.start_ms >= start_ms,
            table.c.start_ms < end_ms,
            table.c.source_id.in_(wanted),
        )
    )
    return [StoredSample(*row) for row in rows]


def delete_samples(session: Session, keys: Sequence[tuple[int, int]]) -> None:
    """Remove the samples with these (start_ms, key) primary keys."""
    if not keys:
        return
    table = WearableSample.__table__
    # One point delete per key (an executemany): a row-value IN would scan the table in SQLite.
    statement = delete(WearableSample).where(
        table.c.start_ms == bindparam("start"), table.c.key == bindparam("sample_key")
    )
    session.connection().execute(
        statement, [{"start": start, "sample_key": key} for start, key in keys]
    )


def zone_sources(session: Session, import_ids: Iterable[int]) -> dict[int, str | None]:
    """Where each import's zone came from (``option``, ``setting``, ``system``), by import id."""
    wanted = sorted(set(import_ids))
    found: dict[int, str | None] = {}
    for at in range(0, len(wanted), LOOKUP_CHUNK):
        rows = session.execute(
            select(WearableImport.id, WearableImport.zone_from).where(
                WearableImport.id.in_(wanted[at : at + LOOKUP_CHUNK])
            )
        )
        found.update({int(run_id): zone_from for run_id, zone_from in rows})
    return found


def sleep_windows(
    session: Session, start_ms: int, end_ms: int, not_from: int | None = None
) -> list[tuple[int, int]]:
    """(start, end) of every stored sleep sample or summary overlapping ``[start_ms, end_ms]``.

    Samples are looked up from a day before ``start_ms``, since none is longer than that.
    ``not_from``: an import under way, whose own samples the caller knows already.
    """
    table = WearableSample.__table__
    query = select(table.c.start_ms, table.c.end_ms).where(
        table.c.start_ms >= start_ms - 86_400_000,
        table.c.start_ms <= end_ms,
        table.c.kind.in_(("sleep", "summary")),
        table.c.end_ms >= start_ms,
    )
    if not_from is not None:
        query = query.where(or_(table.c.import_id.is_(None), table.c.import_id != not_from))
    return [(int(start), int(end)) for start, end in session.connection().execute(query).all()]


def row_of_stored(sample: StoredSample) -> SampleRow:
    """A stored sample as a row to insert (its import id kept)."""
    return {
        "key": sample.key,
        "source_id": sample.source_id,
        "kind": sample.kind,
        "stage": sample.stage,
        "start_ms": sample.start_ms,
        "end_ms": sample.end_ms,
        "start_offset_min": sample.start_offset_min,
        "end_offset_min": sample.end_offset_min,
        "value": sample.value,
        "detail": sample.detail,
        "import_id": sample.import_id,
    }


# ----------------------------------------------------------------- CSV profiles


def save_profile(session: Session, name: str, columns: str) -> None:
    """Store (or replace) a named column map."""
    found = session.get(WearableCsvProfile, name)
    if found is None:
        session.add(WearableCsvProfile(name=name, columns=columns, saved_at=datetime.now(UTC)))
    else:
        found.columns = columns
        found.saved_at = datetime.now(UTC)
    session.flush()


def load_profile(session: Session, name: str) -> str | None:
    """A saved column map by name, or ``None``."""
    found = session.get(WearableCsvProfile, name)
    return None if found is None else found.columns


def profile_names(session: Session) -> list[str]:
    """Names of the saved column maps, sorted."""
    return sorted(session.execute(select(WearableCsvProfile.name)).scalars())

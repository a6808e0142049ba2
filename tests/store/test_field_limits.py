"""Text limits are the same on SQLite and PostgreSQL and name the field that is too long.

What is tested: the limits table equals the columns' lengths; a value at the limit is
saved and one character more is refused before the database on both; the API says
which field (tests/web/test_field_limits_api.py); a JSON export with an over-long source is refused with its entry number.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kratom_journal.domain.entries import Dose, Unit
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.limits import TEXT_LIMITS
from kratom_journal.services import transfer
from kratom_journal.services.transfer import ImportFailed
from kratom_journal.store.journal import Journal
from kratom_journal.store.tables import DoseRow, MoodRow, SideEffectRow, SleepDiaryRow

DOSE = Dose(taken_at=datetime(2026, 11, 1, 9, tzinfo=UTC), amount=3.0, unit=Unit.G)


def test_limits_are_the_columns_lengths() -> None:
    for field, limit in TEXT_LIMITS.items():
        tables = [t for t in (DoseRow, SleepDiaryRow, MoodRow, SideEffectRow) if hasattr(t, field)]
        assert tables, field
        for table in tables:
            assert table.__table__.c[field].type.length == limit, (table, field)


def text_of(field: str, length: int) -> str:
    """A valid value of ``length`` characters (a substance other than the listed ones)."""
    return "other:" + "a" * (length - 6) if field == "substance" else "a" * length


@pytest.mark.parametrize("field", ["strain", "product", "substance"])
def test_at_the_limit_saves_and_one_more_is_refused_on_both_databases(
    any_journal: Journal, field: str
) -> None:
    limit = TEXT_LIMITS[field]
    saved = any_journal.entries.add(replace(DOSE, **{field: text_of(field, limit)}))
    assert len(getattr(any_journal.entries.get(saved.id).entry, field)) == limit
    with pytest.raises(InvalidEntry) as refused:
        any_journal.entries.add(replace(DOSE, **{field: text_of(field, limit + 1)}))
    assert refused.value.field == field
    assert str(refused.value) == f"{field}: is too long ({limit + 1} characters; at most {limit})"


def test_a_long_zone_name_is_refused_by_name(any_journal: Journal) -> None:
    with pytest.raises(InvalidEntry) as refused:
        any_journal.entries.add(replace(DOSE, zone="Z" * 65))
    assert refused.value.field == "zone"


def test_a_json_export_with_an_overlong_source_is_refused(
    any_journal: Journal, tmp_path: Path
) -> None:
    any_journal.entries.add(DOSE)
    exported = tmp_path / "export.json"
    transfer.export_json(any_journal, exported)
    document = json.loads(exported.read_text())
    document["entries"][0]["id"] = "f" * 32
    document["entries"][0]["source"] = "s" * 65
    exported.write_text(json.dumps(document))
    with pytest.raises(ImportFailed) as refused:
        transfer.import_json(any_journal, exported)
    assert "entry 1: source: is too long" in refused.value.problems[0]

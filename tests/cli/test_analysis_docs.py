"""Every JSON key ``kj analyze`` and ``kj experiment result`` print is documented."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from kratom_journal.store.journal import Journal, bulk_add, new_id
from tests.services.journal_builders import FIRST, diary, fill

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text(encoding="utf-8")


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for child in value.values():
            keys |= _keys(child)
        return keys
    if isinstance(value, list):
        return set().union(*(_keys(child) for child in value)) if value else set()
    return set()


def _undocumented(keys: set[str]) -> list[str]:
    return sorted(k for k in keys if f'"{k}"' not in DOCS and f"`{k}`" not in DOCS)


def test_analyze_json_keys_are_documented(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 40, seed=1)
    payload = json.loads(kj("analyze", "--json").stdout)
    assert _undocumented(_keys(payload)) == []


def test_exposure_and_outcome_ids_are_documented(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 40, seed=2)
    payload = json.loads(kj("analyze", "--json").stdout)
    ids = {r["exposure"] for r in payload["results"]} | {r["outcome"] for r in payload["results"]}
    ids = {i for i in ids if not i.startswith(("strain_", "form_"))}
    assert _undocumented(ids) == []


def test_experiment_result_json_keys_are_documented(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    kj("experiment", "plan", "--a", "x", "--b", "y", "--pairs", "6", "--start", FIRST.isoformat())
    kj("experiment", "start", "--seed", "1")
    with journal.session() as session:
        items = [diary(FIRST + timedelta(days=i), 10 + i) for i in range(12)]
        bulk_add(session, [(new_id(), e) for e in items], source="test")
    payload = json.loads(kj("experiment", "result", "--json").stdout)
    assert _undocumented(_keys(payload)) == []

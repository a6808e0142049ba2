"""Export and re-import of questionnaire administrations.

What is tested: a round trip keeps ids, times, answers and scores; importing
twice adds nothing; a bad record is refused with its position.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services import questionnaire_transfer as transfer
from kratom_journal.services.questionnaires import list_administrations, record_administration
from kratom_journal.store.journal import open_journal


def test_round_trip_and_idempotent(journal, tmp_path) -> None:
    phq9 = shipped_instrument("phq9")
    at = datetime(2024, 5, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    record_administration(journal, phq9, parse_answer_list(phq9, "1,1,1,1,1,1,1,1,1"), at)
    records = transfer.export_administrations(journal)
    other = open_journal(tmp_path / "other.sqlite3")
    try:
        with other.session() as session:
            assert transfer.import_administrations(session, records) == 1
        with other.session() as session:
            assert transfer.import_administrations(session, records) == 0
        (copy,) = list_administrations(other)
        (original,) = list_administrations(journal)
        assert copy.id == original.id and copy.administered_at == original.administered_at
        assert copy.result.total == 9 and copy.result.crisis is True
        assert transfer.export_administrations(other) == records
    finally:
        other.close()


def test_bad_record_is_refused_with_position(journal) -> None:
    with journal.session() as session, pytest.raises(ValueError, match="record 1: answers"):
        transfer.import_administrations(
            session,
            [
                {
                    "id": "a" * 32,
                    "instrument_id": "phq9",
                    "instrument_as_of": "2026-11-26",
                    "administered_at": "2024-05-01T09:00:00+02:00",
                    "answers": "nope",
                    "created_at": "2024-05-01T09:00:00+00:00",
                }
            ],
        )

"""Recording and listing questionnaire administrations.

What is tested: an administration is stored with its raw answers and score,
listed oldest first with change against the previous one and response and
remission against the first; missing answers store no score; a user
instrument stays readable from the stored definition; the views put the
crisis notice first.
What is NOT tested: the CLI rendering (tests/cli).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.demo.questionnaires import add_demo_administrations
from kratom_journal.instruments import parse_answer_list, parse_instrument, shipped_instrument
from kratom_journal.services import questionnaires as service

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=BERLIN)


def _record(journal, text: str, at: datetime, instrument_id: str = "phq9"):
    instrument = shipped_instrument(instrument_id)
    return service.record_administration(
        journal, instrument, parse_answer_list(instrument, text), at, "Europe/Berlin"
    )


def test_record_and_list_with_change(journal) -> None:
    first = _record(journal, "2,2,2,2,2,2,2,2,0", T0)  # 16
    assert first.result.total == 16 and first.change is None
    second = _record(journal, "1,1,1,1,1,1,1,1,0", T0 + timedelta(days=14))  # 8
    assert second.change is not None
    assert (second.change.delta, second.change.meaningful) == (-8, "improved")
    assert second.change.response is True and second.change.remission is False
    _record(journal, "1,0,0,0,1,1,0,0,0", T0 + timedelta(days=28))  # 3
    listed = service.list_administrations(journal, "phq9")
    assert [a.result.total for a in listed] == [16, 8, 3]
    third = listed[-1].change
    assert third is not None and third.previous_total == 8 and third.baseline_total == 16
    assert third.remission is True
    assert listed[0].administered_at.utcoffset() == timedelta(hours=2)


def test_instruments_are_compared_only_with_themselves(journal) -> None:
    _record(journal, "2,2,2,2,2,2,2,2,0", T0)
    gad = _record(journal, "1,1,1,1,1,1,1", T0 + timedelta(days=1), "gad7")
    assert gad.change is None
    assert len(service.list_administrations(journal)) == 2
    assert [a.instrument.id for a in service.list_administrations(journal, "gad7")] == ["gad7"]


def test_missing_answer_stores_no_score_and_is_skipped_for_change(journal) -> None:
    _record(journal, "2,2,2,2,2,2,2,2,0", T0)
    missing = _record(journal, "1,1,1,-,1,1,1,1,0", T0 + timedelta(days=14))
    assert missing.result.total is None and missing.change is None
    after = _record(journal, "1,1,1,1,1,1,1,1,0", T0 + timedelta(days=28))
    assert after.change is not None and after.change.previous_total == 16


def test_backdated_administration_gets_its_own_change(journal) -> None:
    _record(journal, "2,2,2,2,2,2,2,2,0", T0 + timedelta(days=14))
    earlier = _record(journal, "3,3,3,3,3,3,3,3,0", T0)
    assert earlier.result.total == 24 and earlier.change is None


def test_user_instrument_stays_readable(journal, tmp_path: Path) -> None:
    raw = json.loads(shipped_instrument("gad7").model_dump_json())
    raw["id"] = "my_scale"
    instrument = parse_instrument(json.dumps(raw), "my_scale.json")
    service.record_administration(journal, instrument, {str(i): 1 for i in range(1, 8)}, T0)
    (stored,) = service.list_administrations(journal, "my_scale")
    assert stored.instrument.id == "my_scale" and stored.result.total == 7


def test_survey_view_puts_crisis_first(journal) -> None:
    journal.settings.set("country", "GB")
    administration = _record(journal, "0,0,0,0,0,0,0,0,2", T0)
    view = service.survey_view(journal, administration)
    assert list(view)[0] == "crisis"
    assert view["crisis"]["lines"][0]["name"] == "Samaritans"
    assert view["administration"]["crisis_flag"] is True
    assert view["administration"]["safety_flags"] == [{"item": "9", "value": 2}]


def test_scores_view_crisis_without_country(journal) -> None:
    _record(journal, "0,0,0,0,0,0,0,0,1", T0)
    view = service.scores_view(journal, service.list_administrations(journal))
    assert list(view)[0] == "crisis"
    assert view["crisis"]["country"] is None
    assert view["crisis"]["directory"]["contacts"][0]["value"] == "https://findahelpline.com"


def test_no_crisis_object_without_flag(journal) -> None:
    administration = _record(journal, "3,3,3,3,3,3,3,3,0", T0)
    assert service.survey_view(journal, administration)["crisis"] is None


def test_demo_administrations_are_seeded_and_never_crisis(journal) -> None:
    count = add_demo_administrations(journal, date(2024, 1, 1), date(2024, 3, 1), "UTC", seed=3)
    listed = service.list_administrations(journal)
    assert count == len(listed) == 10  # 5 dates x (PHQ-9, GAD-7)
    assert not any(a.result.crisis for a in listed)
    assert all(a.result.total is not None for a in listed)


def test_user_file_cannot_reuse_a_shipped_id(journal) -> None:
    raw = json.loads(shipped_instrument("gad7").model_dump_json())
    raw["items"][0]["text"] = "Something else"
    changed = parse_instrument(json.dumps(raw), "gad7.json")
    with pytest.raises(ValueError, match="belongs to the shipped GAD-7"):
        service.record_administration(journal, changed, {}, T0)
    same = parse_instrument(shipped_instrument("gad7").model_dump_json(), "copy.json")
    assert service.record_administration(journal, same, {}, T0).result.total is None


def test_record_and_list_on_both_databases(any_journal) -> None:
    first = _record(any_journal, "0,0,0,0,0,0,0,0,1", T0)
    (listed,) = service.list_administrations(any_journal)
    assert listed.id == first.id and listed.result.total == 1 and listed.result.crisis
    assert listed.administered_at == T0

"""``kj legal`` for every state, DC, Puerto Rico and listed country, dated and aged.

What is tested: each place answers with its status, as-of date, sources and
confidence; a row older than six months prints the "may have changed — check
current law" warning and a fresh one does not (the command's clock is fixed);
``kj legal US`` states the DEA 7-OH action with its stage and dates; a code
that is not ISO 3166 is refused with the valid ones. What is NOT tested:
whether the law is current.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from kratom_journal.cli import common
from kratom_journal.safety.freshness import is_stale
from kratom_journal.safety.legal import lookup
from kratom_journal.services.clock import FixedClock
from tests.safety.test_coverage import COUNTRIES, US_PLACES

WARNING = "may have changed — check current law"


def _at(monkeypatch: pytest.MonkeyPatch, year: int, month: int, day: int) -> None:
    monkeypatch.setattr(common, "CLOCK", FixedClock(datetime(year, month, day, 12, tzinfo=UTC)))


@pytest.mark.parametrize("code", [*US_PLACES, *COUNTRIES])
def test_legal_answers_every_place(kj, monkeypatch: pytest.MonkeyPatch, code: str) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, 2026, 12, 2)
    result = kj("legal", code)
    assert result.exit_code == 0, result.output
    entry = lookup(code, date(2026, 12, 2)).entries[0]
    headline = f"{entry.name} ({code}): {entry.status.value}"
    assert headline in result.output
    assert f"as of {entry.as_of.isoformat()}" in result.output
    assert "Source:" in result.output and f"Confidence: {entry.confidence.value}" in result.output
    own = result.output.split(headline, 1)[1].split("\n\n")[0].splitlines()[:2]
    assert (WARNING in own[1]) == is_stale(entry.as_of, date(2026, 12, 2))


def test_staleness_warning_follows_the_injected_clock(kj, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, 2026, 3, 31)  # Alabama's row is dated 2025-10-01: under six months
    fresh = kj("legal", "US-AL")
    alabama = fresh.output.split("Alabama (US-AL)", 1)[1].split("United States", 1)[0]
    assert WARNING not in alabama
    _at(monkeypatch, 2026, 4, 2)  # six months and a day
    stale = kj("legal", "US-AL")
    alabama = stale.output.split("Alabama (US-AL)", 1)[1].split("United States", 1)[0]
    assert f"! Possibly outdated: this {WARNING} (as of 2025-10-01, 6 months old)." in alabama
    data = json.loads(kj("legal", "US-AL", "--json").output)
    assert data["entries"][0]["stale"] is True and WARNING in data["entries"][0]["warning"]


def test_legal_us_states_the_dea_7oh_stage_and_dates(kj, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, 2026, 12, 2)
    result = kj("legal", "US")
    assert result.exit_code == 0
    out = result.output
    assert "United States (federal) (US): legal — as of 2026-07-06" in out
    assert "Federal stage: NOTICE OF INTENT" in out
    assert (
        "[notice of intent, 2026-07-01] DEA notice of intent: temporary Schedule I placement of 7-OH"
        in out
    )
    assert "Federal Register publication reported 6 Jul 2026" in out
    assert "no temporary order found" in out
    assert "[recommendation, 2025-07-29] FDA recommendation" in out
    assert "[withdrawn, 2016-10-13]" in out


def test_legal_refuses_a_code_that_is_not_iso(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("legal", "US-ZZ")
    assert result.exit_code == 1
    assert "'US-ZZ' is not an ISO 3166-2 subdivision of United States" in result.output
    assert "US-TX" in result.output and "Traceback" not in result.output
    assert "United States (federal) (US): legal" not in result.output

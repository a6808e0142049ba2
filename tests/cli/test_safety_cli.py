"""The safety commands end to end through ``kj``.

What is tested: the must-show paths — alprazolam -> benzodiazepines ->
dangerous, brand names, odd case and spacing, unknown names never safe;
``kj legal`` for US-AL, TH, no region set and an unknown code, each dated;
``kj meds``; ``kj safety`` and ``kj evidence`` in text and JSON.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from kratom_journal.domain.entries import Dose, Unit
from kratom_journal.store.journal import Journal

DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_interactions_alprazolam_route(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("interactions", "alprazolam", "Xanax", "  xAnAx   XR ", "alprazolam er 1mg")
    assert result.exit_code == 0, result.output
    assert result.output.count("-> alprazolam -> benzodiazepines") == 4
    assert "benzodiazepines, cyp3a4_substrates: dangerous" in result.output
    assert "Why: " in result.output and "Source: " in result.output


def test_unknown_name_is_never_safe(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("interactions", "zorblatine")
    assert result.exit_code == 0
    assert "not in our list — ask a pharmacist" in result.output
    assert "safe" not in result.output.replace("does not make a combination safe", "")
    data = json.loads(kj("interactions", "zorblatine", "--json").output)
    assert data[0]["listed"] is False and data[0]["severity"] is None


def test_interactions_json(kj) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(kj("interactions", "Xanax", "--json").output)
    assert data[0]["generics"] == ["alprazolam"] and data[0]["severity"] == "dangerous"
    assert data[0]["classes"][0]["sources"] and data[0]["classes"][0]["as_of"]


def test_meds_add_list_remove_and_automatic_check(kj) -> None:  # type: ignore[no-untyped-def]
    added = kj("meds", "add", "sertraline", "--daily")
    assert added.exit_code == 0 and "Declared sertraline (daily)." in added.output
    assert "serotonergic" in added.output
    assert "sertraline (daily)" in kj("meds", "list").output
    checked = kj("interactions")
    assert "declared (daily):" in checked.output and "sertraline" in checked.output
    assert "Removed sertraline" in kj("meds", "remove", "Sertraline").output
    missing = kj("meds", "remove", "sertraline")
    assert missing.exit_code == 1 and "no declared medicine matches" in missing.output


def test_legal_us_al(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("legal", "US-AL")
    assert result.exit_code == 0
    assert "Alabama (US-AL): banned — as of 2025-10-01" in result.output
    assert "United States (federal) (US): legal" in result.output
    assert result.output.strip().endswith("Laws change; check local law before relying on this.")


def test_legal_th(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("legal", "TH")
    assert result.exit_code == 0
    assert "Thailand (TH): age-restricted, 18+ — as of 2022-08-27" in result.output
    assert "Possibly outdated" in result.output


def test_legal_without_region(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("legal")
    assert result.exit_code == 1
    assert "kj config set region US-AL" in result.output
    assert "legal list last updated" in result.output and DATE.search(result.output)
    assert "Traceback" not in result.output


def test_legal_uses_configured_region(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    journal.settings.set("region", "US-AL")
    assert "Alabama (US-AL)" in kj("legal").output


def test_legal_unknown_and_malformed_codes(kj) -> None:  # type: ignore[no-untyped-def]
    # A real ISO country we have no row for; ZZ is not ISO 3166 and is refused.
    unknown = kj("legal", "AR")
    assert unknown.exit_code == 0
    assert "AR (Argentina): not in our list" in unknown.output and DATE.search(unknown.output)
    assert "Laws change" in unknown.output
    not_iso = kj("legal", "ZZ")
    assert not_iso.exit_code == 1 and "not an ISO 3166-1 country code" in not_iso.output
    bad = kj("legal", "Atlantis-99")
    assert bad.exit_code == 1 and "expected a country like TH" in bad.output


def test_legal_json(kj) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(kj("legal", "US-AL", "--json").output)
    assert data["entries"][0]["as_of"] == "2025-10-01"
    assert "possibly_outdated" in data["entries"][0]


def test_safety_text_and_json(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    start = datetime.now(UTC) - timedelta(days=20)
    for i in range(20):
        at = start + timedelta(days=i)
        journal.entries.add(Dose(taken_at=at, amount=2.0, unit=Unit.G))
    journal.entries.add(Dose(taken_at=start, amount=1, unit=Unit.G, substance="medication:Xanax"))
    journal.settings.set("country", "US")
    text = kj("safety")
    assert text.exit_code == 0, text.output
    assert "not a diagnosis" in text.output and "1-800-662-4357" in text.output
    assert "stopping suddenly after regular use can cause withdrawal" in text.output
    assert "benzodiazepines" in text.output
    data = json.loads(kj("safety", "--json").output)
    assert {s["id"] for s in data["signals"]} >= {"frequency", "doses_trend", "seven_oh"}
    assert data["interactions"][0]["severity"] == "dangerous"


def test_evidence(kj) -> None:  # type: ignore[no-untyped-def]
    text = kj("evidence")
    assert text.exit_code == 0
    assert "Grade D" in text.output and "sustained_use x sol_min" in text.output
    assert "sleep_quality_last_night x mood_next_day" in text.output
    data = json.loads(kj("evidence", "--json").output)
    assert len(data["claims"]) >= 10


def test_every_safety_command_is_documented_with_help() -> None:
    from pathlib import Path

    import typer

    from kratom_journal.cli import safety

    app = typer.Typer()
    safety.register(app)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "safety.md").read_text()
    for command in (
        "kj safety",
        "kj interactions",
        "kj meds add",
        "kj meds list",
        "kj meds remove",
        "kj legal",
        "kj evidence",
    ):
        assert command in docs, command
    for info in app.registered_commands:
        assert info.callback is not None and "Example: kj" in (info.callback.__doc__ or "")
    for group in app.registered_groups:
        assert group.typer_instance is not None
        for info in group.typer_instance.registered_commands:
            assert info.callback is not None and "Example: kj" in (info.callback.__doc__ or "")

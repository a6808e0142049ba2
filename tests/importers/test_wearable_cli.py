"""`kj import` of wearable exports and `kj list --kind night` through the real CLI."""

from __future__ import annotations

import json
import zipfile
from datetime import date

from kratom_journal.cli.app import app
from kratom_journal.demo import synthetic
from kratom_journal.services.wearable_nights import NIGHT_FIELDS


def _export(tmp_path, count=3):
    nights = synthetic.generate_nights(3, synthetic.NightPlan(date(2024, 3, 1), count))
    return synthetic.write_apple_health(tmp_path / "export.zip", nights)


def test_import_detects_and_summarizes(runner, journal_path, tmp_path):
    path = _export(tmp_path)
    result = runner.invoke(app, ["--db", str(journal_path), "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "apple-health: 3 nights added, 0 updated, 0 unchanged" in result.output
    again = runner.invoke(app, ["--db", str(journal_path), "import", "apple-health", str(path)])
    assert again.exit_code == 0 and "already imported" in again.output


def test_list_nights_json_fields_and_priority(runner, journal_path, tmp_path):
    runner.invoke(app, ["--db", str(journal_path), "import", str(_export(tmp_path))])
    result = runner.invoke(app, ["--db", str(journal_path), "list", "--kind", "night", "--json"])
    assert result.exit_code == 0, result.output
    nights = json.loads(result.output)
    assert [n["night"] for n in nights] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert tuple(nights[0]) == NIGHT_FIELDS
    assert {n["source_name"] for n in nights} == {"Apple Watch"}
    set_priority = runner.invoke(
        app, ["--db", str(journal_path), "config", "set", "sleep-source-priority", "AutoSleep"]
    )
    assert set_priority.exit_code == 0, set_priority.output
    result = runner.invoke(
        app,
        ["--db", str(journal_path), "list", "--kind", "night", "--json", "--until", "2024-03-02"],
    )
    assert [n["source_name"] for n in json.loads(result.output)] == ["AutoSleep"]
    table = runner.invoke(app, ["--db", str(journal_path), "list", "--kind", "night"])
    assert table.exit_code == 0 and "AutoSleep" in table.output


def test_bad_input_is_one_line_and_nonzero(runner, journal_path, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("/etc/export.xml", "<HealthData/>")
    result = runner.invoke(app, ["--db", str(journal_path), "import", "apple-health", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "evil.zip: unsafe archive" in result.output
    empty = runner.invoke(app, ["--db", str(journal_path), "list", "--kind", "night", "--json"])
    assert json.loads(empty.output) == []


def test_mixing_night_with_other_kinds_is_refused(runner, journal_path):
    result = runner.invoke(
        app, ["--db", str(journal_path), "list", "--kind", "night", "--kind", "dose"]
    )
    assert result.exit_code == 1 and "cannot be combined" in result.output


def test_sleep_sources_command(runner, journal_path, tmp_path):
    runner.invoke(app, ["--db", str(journal_path), "import", str(_export(tmp_path))])
    result = runner.invoke(app, ["--db", str(journal_path), "sleep-sources"])
    assert result.exit_code == 0, result.output
    assert "default (staged watch/ring first)" in result.output
    assert "Apple Watch" in result.output


def test_zone_option_reads_an_export_again(kj, tmp_path):
    from tests.importers import real_shapes as shapes

    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    assert "2 nights added" in kj("import", str(takeout)).output
    moved = kj("import", "--zone", "America/New_York", str(takeout))
    assert moved.exit_code == 0, moved.output
    assert "read again in America/New_York" in moved.output
    nights = json.loads(kj("list", "--kind", "night", "--json").output)
    assert nights[0]["bed_at"] == "2024-03-11T23:10:00-04:00"
    bad = kj("import", "--zone", "Mars/Olympus", str(takeout))
    assert bad.exit_code == 1 and "unknown time zone 'Mars/Olympus'" in bad.output


def test_sleep_csv_column_map_is_saved_for_next_time(kj, tmp_path):
    from tests.importers import real_shapes_more as more

    first = more.generic_csv(tmp_path / "march.csv")
    result = kj(
        "import", "sleep-csv", str(first), "--map", "start=Lights out,end=Got up,asleep_h=Slept (h)"
    )
    assert result.exit_code == 0 and "2 nights added" in result.output, result.output
    from tests.importers.real_shapes import NIGHTS

    later = more.generic_csv(tmp_path / "april.csv", NIGHTS[1:])  # read with the saved map
    again = kj("import", "sleep-csv", str(later))
    assert again.exit_code == 0, again.output
    assert "0 nights added, 0 updated, 1 unchanged" in again.output
    wrong = kj("import", "fitbit", str(later), "--map", "start=a,end=b")
    assert wrong.exit_code == 1 and "--map and --profile are for sleep-csv" in wrong.output


def test_a_terminal_import_asks_for_the_zone_of_an_offset_less_export(tmp_path, monkeypatch):
    import io

    from rich.console import Console

    from kratom_journal.cli import wearables as cli_wearables
    from kratom_journal.store.journal import open_journal
    from tests.importers import real_shapes as shapes

    journal = open_journal(tmp_path / "no-zone.sqlite3")
    asked: list[str] = []

    def answer(text: str, default: str) -> str:
        asked.append(f"{text} [{default}]")
        return "Mars/Olympus" if len(asked) == 1 else "Europe/Berlin"

    monkeypatch.setattr(cli_wearables.typer, "prompt", answer)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    summary = cli_wearables.import_with_progress(journal, None, takeout, console=console)
    assert len(asked) == 2 and "unknown time zone" in console.file.getvalue()  # type: ignore[attr-defined]
    assert summary.zone == "Europe/Berlin" and summary.nights_added == 2
    offsetted = shapes.oura_v1_json(tmp_path / "oura.json")
    cli_wearables.import_with_progress(journal, None, offsetted, console=console)
    assert len(asked) == 2  # Oura's times carry offsets: nothing to ask
    journal.close()

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

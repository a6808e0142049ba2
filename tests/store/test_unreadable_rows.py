"""Rows that no longer parse are skipped and named; everything else still lists, exports, analyses.

What is tested: four rows made invalid behind the program's back (an unknown
unit, a time that is not a time, an amount that is text, a mood of 99) do not
stop ``kj list``, ``kj export`` (JSON and CSV) or ``kj analyze``: each command
succeeds with every other entry and names each skipped row by table and id.
What is NOT tested: damaged pages (``test_integrity``: the file itself is then refused).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.domain.entries import Dose, MoodCheckin, Unit
from kratom_journal.store.journal import bulk_add, new_id, open_journal

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def spoiled(tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """A journal of 20 doses and 20 moods, four of whose rows no longer parse."""
    path = tmp_path / "journal.sqlite3"
    journal = open_journal(path)
    journal.settings.set("timezone", "Europe/Berlin")
    start = datetime(2024, 3, 1, 20, 0, tzinfo=BERLIN)
    items = [(new_id(), Dose(start + timedelta(days=i), 3.0, Unit.G)) for i in range(20)]
    items += [
        (new_id(), MoodCheckin(start + timedelta(days=i, hours=1), mood=5)) for i in range(20)
    ]
    with journal.session() as session:
        bulk_add(session, items, source="manual")
    journal.close()
    doses = [entry_id for entry_id, entry in items if isinstance(entry, Dose)]
    moods = [entry_id for entry_id, entry in items if isinstance(entry, MoodCheckin)]
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE doses SET unit = 'bushel' WHERE id = ?", (doses[0],))
        connection.execute("UPDATE doses SET taken_at_utc = 'not a time' WHERE id = ?", (doses[1],))
        connection.execute("UPDATE doses SET amount = 'abc' WHERE id = ?", (doses[2],))
        connection.execute("UPDATE mood_checkins SET mood = 99 WHERE id = ?", (moods[0],))
    bad = {doses[0], doses[1], doses[2], moods[0]}
    return path, {entry_id for entry_id, _ in items} - bad, bad


def _kj(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def _names_each(stderr: str, bad: set[str]) -> None:
    for entry_id in bad:
        assert f"row {entry_id} cannot be read" in stderr, stderr
    assert "4 stored rows could not be read" in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


def test_list_shows_the_rest_and_names_the_bad_rows(
    spoiled: tuple[Path, set[str], set[str]],
) -> None:
    path, good, bad = spoiled
    code, out, err = _kj(path, "list", "--json")
    assert code == 0, err
    assert {item["id"] for item in json.loads(out)} == good
    _names_each(err, bad)


def test_export_writes_the_rest(spoiled: tuple[Path, set[str], set[str]], tmp_path: Path) -> None:
    path, good, bad = spoiled
    target = tmp_path / "export.json"
    code, _, err = _kj(path, "export", str(target))
    assert code == 0, err
    assert {e["id"] for e in json.loads(target.read_text())["entries"]} == good
    _names_each(err, bad)
    code, _, err = _kj(path, "export", "--format", "csv", str(tmp_path / "csv"))
    assert code == 0, err
    _names_each(err, bad)


def test_analyze_runs_on_the_rest(spoiled: tuple[Path, set[str], set[str]]) -> None:
    path, _, bad = spoiled
    code, out, err = _kj(path, "analyze")
    assert code == 0, err
    assert out.strip()
    _names_each(err, bad)

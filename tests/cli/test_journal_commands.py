"""The core commands as a person uses them: log, list, edit, delete, export, import, backup.

What is tested: each command's happy path, and that bad input gives one clear
line, a non-zero exit, no traceback and no write.
What is NOT tested: interactive prompts (they need a terminal; the flags cover the same paths).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import fix_clock, log_sleep_args

ROOT = Path(__file__).resolve().parents[2]


def no_traceback(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_log_dose_and_list(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj(
        "log",
        "dose",
        "3.5g",
        "--strain",
        "Red Bali",
        "--form",
        "powder",
        "--at",
        "2024-05-01T21:30",
    )
    assert result.exit_code == 0, result.output
    assert "3.5 g · kratom · Red Bali · powder" in result.output
    listed = kj("list", "--kind", "dose", "--json")
    (item,) = json.loads(listed.output)
    assert item["strain_key"] == "red-bali"
    assert item["taken_at"] == "2024-05-01T21:30:00+02:00"
    assert item["zone"] == "Europe/Berlin"


def test_log_other_kinds(kj, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fix_clock(monkeypatch)  # 15:00 is then earlier today: never a time later than now
    assert kj("log", "mood", "6", "--anxiety", "3").exit_code == 0
    assert kj("log", "side-effect", "nausea", "--severity", "1").exit_code == 0
    assert kj("log", "substance", "caffeine", "200mg", "--at", "15:00").exit_code == 0
    result = kj(*log_sleep_args())
    assert result.exit_code == 0, result.output
    kinds = [item["kind"] for item in json.loads(kj("list", "--json").output)]
    assert sorted(kinds) == ["dose", "mood", "side-effect", "sleep"]


def test_second_diary_for_a_night_is_refused(kj) -> None:  # type: ignore[no-untyped-def]
    args = log_sleep_args()
    assert kj(*args).exit_code == 0
    again = kj(*args)
    assert again.exit_code == 1 and "already has a diary entry" in again.output


def test_bad_input_is_one_line_and_writes_nothing(kj) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (["log", "dose", "0g"], "amount: must be a positive number"),
        (["log", "dose", "--", "-3g"], "must be a positive number"),
        (["log", "dose", "lots"], "cannot read amount"),
        (["log", "dose", "3.5 pounds"], "unknown unit 'pounds'"),
        (["log", "dose", "35g"], "unusually large"),
        (["log", "mood", "11"], "mood: must be between 0 and 10"),
        (["log", "side-effect", "hiccups"], "symptom: unknown value 'hiccups'"),
        (
            log_sleep_args(out="06:00"),
            "out of bed is before the final awakening",
        ),
        (
            log_sleep_args(sol="900"),
            "longer than the night",
        ),
        (["edit", "deadbeef", "--set", "amount=3g"], "no entry with id 'deadbeef'"),
        (["import", "csv", "/nonexistent/file.csv"], "no such file"),
        (["config", "set", "timezone", "Mars/Olympus"], "unknown time zone"),
        (["config", "set", "colour", "red"], "unknown setting"),
    ]
    for args, message in cases:
        result = kj(*args)
        assert result.exit_code != 0, args
        assert message in " ".join(result.output.split()), (args, result.output)
        no_traceback(result)
    assert json.loads(kj("list", "--json").output) == []


def test_implausible_dose_is_saved_with_yes(kj) -> None:  # type: ignore[no-untyped-def]
    assert kj("log", "dose", "35g", "--yes").exit_code == 0


def test_edit_delete_undelete_show(kj) -> None:  # type: ignore[no-untyped-def]
    kj("log", "dose", "3g", "--at", "2024-05-01T21:00")
    (item,) = json.loads(kj("list", "--json").output)
    short = item["id"][:8]
    assert kj("edit", short, "--set", "amount=4", "--set", "note=after dinner").exit_code == 0
    assert kj("delete", short).exit_code == 0
    assert json.loads(kj("list", "--json").output) == []
    assert len(json.loads(kj("list", "--json", "--deleted").output)) == 1
    assert kj("undelete", short).exit_code == 0
    shown = json.loads(kj("show", short, "--json").output)
    assert shown["amount"] == 4.0 and shown["note"] == "after dinner"
    assert [h["action"] for h in shown["history"]] == ["create", "edit", "delete", "undelete"]


def test_export_import_round_trip(kj, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.cli.app import app

    kj("log", "dose", "3g", "--at", "2024-05-01T21:00", "--note", "Grüße ✓")
    kj("log", "mood", "6", "--at", "2024-05-01T20:00")
    out = tmp_path / "export.json"
    assert kj("export", "--format", "json", str(out)).exit_code == 0
    other = tmp_path / "other.sqlite3"
    first = runner.invoke(app, ["--db", str(other), "import", "json", str(out)])
    assert first.exit_code == 0 and "2 added" in first.output
    second = runner.invoke(app, ["--db", str(other), "import", str(out)])  # source detected
    assert second.exit_code == 0 and "0 added" in second.output
    csv_dir = tmp_path / "csv"
    assert kj("export", "--format", "csv", str(csv_dir)).exit_code == 0
    assert (
        (csv_dir / "doses.csv")
        .read_text()
        .startswith("taken_at,substance,amount,unit,form,strain,product,note")
    )


def test_import_reports_the_bad_rows(kj, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doses.csv"
    path.write_text(
        "taken_at,substance,amount,unit,form,strain,product,note\n"
        "2024-05-01T21:00,kratom,3,g,,,,\n2024-05-02T21:00,kratom,x,g,,,,\n"
    )
    result = kj("import", "csv", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: amount: expected a number, got 'x'" in " ".join(result.output.split())
    assert "Nothing was imported." in result.output
    skipped = kj("import", "csv", str(path), "--skip-bad")
    assert skipped.exit_code == 0 and "1 added" in skipped.output and "skipped" in skipped.output


def test_backup_is_a_working_journal(kj, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.cli.app import app

    kj("log", "mood", "6")
    target = tmp_path / "backup.sqlite3"
    assert kj("backup", str(target)).exit_code == 0
    listed = runner.invoke(app, ["--db", str(target), "list", "--json"])
    assert len(json.loads(listed.output)) == 1


def test_database_errors_are_one_line(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.cli.app import app

    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database")
    result = runner.invoke(app, ["--db", str(text_file), "list"])
    assert result.exit_code == 1 and "not a journal database" in result.output
    no_traceback(result)


def test_config(kj) -> None:  # type: ignore[no-untyped-def]
    assert kj("config", "set", "timezone", "America/Chicago").exit_code == 0
    assert kj("config", "set", "region", "us-al").exit_code == 0
    settings = json.loads(kj("config", "list", "--json").output)
    assert settings["timezone"] == "America/Chicago"
    assert settings["region"] == "US-AL" and settings["country"] == "US"


def test_demo_builds_its_own_journal(runner, tmp_path: Path, journal_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.cli.app import app

    demo = tmp_path / "demo.sqlite3"
    result = runner.invoke(
        app, ["--db", str(journal_path), "demo", "--no-serve", "--path", str(demo)]
    )
    assert result.exit_code == 0, result.output
    assert "nights in the sleep diary" in result.output
    assert not journal_path.exists()  # the person's journal is never touched


def test_console_scripts_run() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kratom_journal", "--help"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0 and "log" in result.stdout


def test_logging_does_not_import_heavy_libraries() -> None:
    """``kj log`` must start fast: statistics, plotting and PDF libraries load only on demand."""
    code = (
        "import sys; from kratom_journal.cli.app import app; "
        "heavy = [m for m in ('numpy', 'scipy', 'statsmodels', 'plotly', 'weasyprint', "
        "'lxml', 'pyarrow', 'fastapi', 'fhir', 'pandas') if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_cli_on_postgresql(runner, postgres_server) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.cli.app import app

    url = postgres_server.new_database()
    assert runner.invoke(app, ["--db", url, "config", "set", "timezone", "UTC"]).exit_code == 0
    logged = runner.invoke(app, ["--db", url, "log", "dose", "3g", "--at", "2024-05-01T21:00"])
    assert logged.exit_code == 0, logged.output
    (item,) = json.loads(runner.invoke(app, ["--db", url, "list", "--json"]).output)
    assert item["taken_at"] == "2024-05-01T21:00:00+00:00"
    refused = runner.invoke(app, ["--db", "postgresql+psycopg://postgres@127.0.0.1:1/none", "list"])
    assert refused.exit_code == 1 and "cannot open the database" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    no_traceback(refused)

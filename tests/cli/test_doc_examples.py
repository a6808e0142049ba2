"""Every example command in the README and the docs runs, against a fresh journal.

What is tested: each ``kj`` line of every code block in README.md and docs/*.md,
run in the order written (README first) with a stopped clock, a fresh journal and
the example ids and file names replaced by real ones; each exits 0, except the
lines shown with their ``error:`` output, which must print that very line. The
web server is not started (the call that would start it is recorded instead),
and a questionnaire or diary that asks in a terminal is answered on its input.
What is NOT tested: what each command prints (the command tests check that), and the
``kj server`` and ``kj share`` lines (they need a server; tests/server runs them).
"""

from __future__ import annotations

import re
import shlex
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cli.helpers import fix_clock

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```")
EXAMPLE_IDS = ("3f2a9c1b", "3f2a")
SYNTAX_ONLY = re.compile(r"\[[A-Z]+\]|\bPATH\b|\bFILE\b")
"""A line naming its arguments (``kj import [SOURCE] PATH``) shows syntax, not an example."""
NEEDS_A_SERVER = re.compile(r"^kj (server|share|passphrase change)\b")
"""``kj server`` needs its PostgreSQL and ``kj share`` a server to share with: both run for
real in tests/server (test_share_sync.py and the server fixtures), not here. ``kj passphrase
change`` asks for a second, new passphrase, which this runner cannot give."""

NOW = datetime(2026, 10, 20, 23, 0, tzinfo=ZoneInfo("Europe/Berlin"))
"""Late in the evening (after every clock time the examples use), and in the past."""


def examples() -> list[tuple[str, str, list[str]]]:
    """(file, command, the output lines shown under it) for every ``kj`` line in a code block."""
    found: list[tuple[str, str, list[str]]] = []
    for path in DOCS:
        inside = False
        pending = ""
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, raw in enumerate(lines):
            if FENCE.match(raw.strip()):
                inside = not inside
                continue
            if not inside:
                continue
            text = (pending + " " + raw.strip()).strip() if pending else raw.strip()
            if text.endswith("\\"):
                pending = text[:-1].strip()
                continue
            pending = ""
            shown = text.startswith("$ ")
            command = text.removeprefix("$ ")
            if not command.startswith("kj "):
                continue
            command = _without_comment(command)
            if SYNTAX_ONLY.search(command) or NEEDS_A_SERVER.match(command):
                continue
            output = []
            if shown:
                for after in lines[index + 1 :]:
                    if after.startswith("$ ") or FENCE.match(after.strip()):
                        break
                    output.append(after)
            for part in command.split("&&"):
                found.append((path.name, part.strip(), output))
    return found


def _without_comment(command: str) -> str:
    """The command without a trailing ``# ...`` comment (outside quotes)."""
    quoted = False
    for position, char in enumerate(command):
        if char == '"':
            quoted = not quoted
        if char == "#" and not quoted and position and command[position - 1] == " ":
            return command[:position].strip()
    return command.strip()


def test_the_docs_have_examples_to_run() -> None:
    commands = [command for _, command, _ in examples()]
    assert len(commands) > 60
    assert "kj edit 3f2a9c1b --set amount=3g" in commands


def _files(folder: Path, bad_csv: bool) -> None:
    """The files the examples name, as a person would have them.

    The README shows ``kj import csv doses.csv`` failing on line 3; elsewhere the
    file is a good one.
    """
    folder.mkdir()
    amount = "x" if bad_csv else "2"
    (folder / "doses.csv").write_text(
        "taken_at,substance,amount,unit,form,strain,product,note\n"
        "2026-10-18T21:00,kratom,3,g,powder,Red Bali,,\n"
        f"2026-10-19T21:00,kratom,{amount},g,powder,Red Bali,,\n",
        encoding="utf-8",
    )
    from tests.web.browser_support import apple_health_export

    nights = [date(2026, 10, 17) + timedelta(days=i) for i in range(3)]
    apple_health_export(folder, nights)
    _wearable_files(folder)


def _wearable_files(folder: Path) -> None:
    """The other exports the import examples name, in their apps' documented shapes."""
    from tests.importers import real_shapes, real_shapes_more

    real_shapes.gadgetbridge_db(folder / "Gadgetbridge")
    takeout = real_shapes.fitbit_takeout(folder / "takeout")
    with zipfile.ZipFile(folder / "takeout.zip", "w") as archive:
        for path in sorted(takeout.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(takeout))
    (folder / "log.csv").write_text(
        "Bed,Up\n2026-10-10 23:05,2026-10-11 06:50\n2026-10-11 22:40,2026-10-12 07:10\n",
        encoding="utf-8",
    )
    real_shapes_more.generic_csv(folder / "sleep.csv")


def _fresh_journal(db: Path, seeded: bool) -> str | None:
    """A fresh journal; a reference page's (not the README's) holds weeks of entries.

    Returns the id of a dose in it (the examples' ``3f2a9c1b``), if there is one.
    """
    from kratom_journal.store.journal import open_journal
    from tests.services.journal_builders import fill

    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    entry_id = None
    if seeded:  # the commands of a reference page presume a journal with data
        fill(journal, 40, seed=3, kratom_share=0.6)
        entry_id = next(s.id for s in journal.entries.list() if s.kind.value == "dose")
    journal.close()
    return entry_id


def _arguments(command: str, folder: Path, entry_id: str | None) -> list[str]:
    args = shlex.split(command)[1:]
    out: list[str] = []
    for arg in args:
        if entry_id and arg in EXAMPLE_IDS:
            arg = entry_id[: len(arg)]
        if arg.startswith("~/"):
            arg = str(folder / arg[2:])
        out.append(arg.replace("[", "").replace("]", ""))
    return out


def _experiment_nights(db: Path) -> None:
    """Diary nights of the experiment's first days, as a person would have logged them."""
    from kratom_journal.store.journal import bulk_add, new_id, open_journal
    from tests.services.journal_builders import diary

    journal = open_journal(db)
    with journal.session() as session:
        first = NOW.date() + timedelta(days=1)  # a planned experiment starts tomorrow
        items = [diary(first + timedelta(days=i), 15 + i % 5) for i in range(16)]
        bulk_add(session, [(new_id(), e) for e in items], source="test")
    journal.close()


@pytest.mark.slow
def test_every_example_command_runs(
    runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_journal.cli import log as log_commands
    from kratom_journal.cli import web as web_commands
    from kratom_journal.cli.app import app

    fix_clock(monkeypatch, NOW)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KRATOM_JOURNAL_PASSPHRASE", "an example passphrase")  # kj encrypt et al.
    served: list[tuple[Any, ...]] = []
    monkeypatch.setattr(web_commands, "serve_journal", lambda *a, **k: served.append((a, k)))
    monkeypatch.setattr(log_commands, "interactive", lambda: True)
    answers = "\n".join(["0"] * 10 + ["23:00", "23:10", "20", "1", "10", "06:30", "06:45", "3"])
    ids: dict[str, str] = {}
    failures: list[str] = []
    for name, command, shown in examples():
        db = tmp_path / f"{name}.sqlite3"  # each page of the docs starts with a fresh journal
        folder = tmp_path / f"{name}-files"
        if not db.exists():
            found = _fresh_journal(db, seeded=name != "README.md")
            if found:
                ids[name] = found
            _files(folder, bad_csv=name == "README.md")
            monkeypatch.chdir(folder)
            fix_clock(monkeypatch, NOW)
        if command.startswith("kj experiment log"):  # a day of the experiment has come
            fix_clock(monkeypatch, NOW + timedelta(days=2))
        if command.startswith("kj experiment result"):
            _experiment_nights(db)
            fix_clock(monkeypatch, NOW + timedelta(days=17))
        args = _arguments(command, folder, ids.get(name))
        result = runner.invoke(app, ["--db", str(db), *args], input=answers + "\n")
        if name not in ids and args[:2] == ["log", "dose"] and result.exit_code == 0:
            ids[name] = re.search(r"Saved dose (\w{8})", result.output).group(1)  # type: ignore[union-attr]
        expected = next((line for line in shown if line.startswith("error:")), None)
        if expected is not None:
            first = result.output.strip().splitlines()[0] if result.output.strip() else ""
            if result.exit_code == 0 or first != expected:
                failures.append(f"{name}: {command}: expected {expected!r}, got {first!r}")
        elif result.exit_code != 0 or "Traceback" in result.output:
            failures.append(f"{name}: {command}: exit {result.exit_code}: {result.output.strip()}")
    assert failures == [], "\n".join(failures)
    assert served, "the serve examples reach the web server's one door"

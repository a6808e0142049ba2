"""Hostile dates on the command line, and documented commands given bare.

What is tested: on a journal holding the earliest and latest dates the store
accepts (``tests.edge_dates``), ``kj analyze``, ``kj report`` (PDF and HTML),
``kj list``, ``kj sleep stats``, ``kj scores`` and ``kj export`` answer without a
traceback; ``kj report --from 0001-01-01`` or ``--to 9999-12-31`` is refused in
one line; a bare ``kj experiment plan`` names the missing options outside a
terminal and asks for them in one.
What is NOT tested: the logging flags (tests/cli/test_logging_cli.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kratom_journal.store.journal import Journal
from tests.edge_dates import fill_edges


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["analyze", "--json"],
        ["report", "--out", "{tmp}/r.pdf"],
        ["report", "--from", "1970-01-01", "--out", "{tmp}/r.html"],
        ["list", "--since", "1970-01-01"],
        ["sleep", "stats"],
        ["scores"],
        ["export", "{tmp}/export.json"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_summary_answers_on_a_journal_at_the_edges(
    kj,
    journal: Journal,
    tmp_path: Path,
    args: list[str],  # type: ignore[no-untyped-def]
) -> None:
    fill_edges(journal)
    result = kj(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "bug" not in result.output.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "0001-01-01"], "from: 0001-01-01 is before 1970-01-01"),
        (["--to", "9999-12-31"], "to: 9999-12-31 is more than a year from now"),
        (["--to", "2099-05-01"], "to: 2099-05-01 is more than a year from now"),
    ],
)
def test_a_hostile_report_period_is_refused_in_one_line(  # type: ignore[no-untyped-def]
    kj, tmp_path: Path, args: list[str], message: str
) -> None:
    result = kj("report", *args, "--out", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_a_bare_experiment_plan_names_what_is_missing(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("experiment", "plan")
    assert result.exit_code == 1
    assert "missing --a, --b, --pairs; for example: kj experiment plan --a" in result.output
    assert "Traceback" not in result.output


def test_a_bare_experiment_plan_asks_in_a_terminal(  # type: ignore[no-untyped-def]
    kj, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_journal.cli import common

    monkeypatch.setattr(common, "interactive", lambda: True)
    result = kj("experiment", "plan", input="Red Bali\nGreen Maeng Da\n6\n")
    assert result.exit_code == 0, result.output
    assert "Planned:" in result.output and "Red Bali" in result.output

"""What the command line prints when something goes wrong.

What is tested: an error a person can cause (a ``JournalError``) is one ``error:``
line and exit 1; an ``OSError`` naming a file is one line naming it; any other
exception, such as a ``KeyError`` from a bug, is one "internal error ... this is a
bug" line with exit 70, never an ``error:`` line blaming the person; a broken
shipped data file counts as a bug; ``KJ_DEBUG=1`` shows the traceback instead.
What is NOT tested: each command's own messages (their own test files).
"""

from __future__ import annotations

import pytest

from kratom_journal.cli.app import INTERNAL_ERROR_EXIT
from kratom_journal.safety.data import DataFileError
from kratom_journal.services import entries as entry_service
from kratom_journal.services import sleep_stats


def test_a_bug_is_reported_as_a_bug(kj, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise KeyError("tst_min")

    monkeypatch.setattr(sleep_stats, "sleep_stats", broken)
    result = kj("sleep", "stats")
    assert result.exit_code == INTERNAL_ERROR_EXIT
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "internal error in Kratom Journal: KeyError: 'tst_min' — this is a bug; please report "
        "it (run with KJ_DEBUG=1 for the traceback)"
    ]
    assert "error: 'tst_min'" not in result.output


def test_a_broken_shipped_data_file_is_a_bug_too(kj, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise DataFileError("data/interactions.json: lines.0: field required")

    monkeypatch.setattr(entry_service, "list_entries", broken)
    result = kj("list")
    assert result.exit_code == INTERNAL_ERROR_EXIT
    assert "internal error in Kratom Journal: DataFileError" in result.output


def test_a_persons_mistake_is_one_error_line(kj) -> None:
    result = kj("show", "nonexistent")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no entry with id 'nonexistent'"


def test_a_missing_file_is_one_line_naming_it(kj, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere" / "journal.json"
    result = kj("export", str(missing))
    assert result.exit_code == 1
    assert str(missing.parent) in result.output and "Traceback" not in result.output
    assert "internal error" not in result.output


def test_debug_shows_the_traceback(kj, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise KeyError("tst_min")

    monkeypatch.setattr(sleep_stats, "sleep_stats", broken)
    monkeypatch.setenv("KJ_DEBUG", "1")
    result = kj("sleep", "stats")
    assert isinstance(result.exception, KeyError)

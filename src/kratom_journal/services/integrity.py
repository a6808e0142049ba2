"""Checking a journal file and recovering what can be read from a damaged one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kratom_journal.domain.errors import InvalidInput, JournalUnavailable
from kratom_journal.store.db import database_url, sqlite_file
from kratom_journal.store.integrity import check_file
from kratom_journal.store.recover import Recovery, recover_journal

__all__ = ["Recovery", "JournalCheck", "check_journal", "recover"]


@dataclass(frozen=True, slots=True)
class JournalCheck:
    """The outcome of ``kj check``: the file checked and SQLite's problems (none: sound)."""

    path: Path
    problems: list[str]

    @property
    def sound(self) -> bool:
        return not self.problems


def journal_file(target: str) -> Path:
    """The SQLite file a ``--db`` value names (checks and recovery work on files)."""
    path = sqlite_file(database_url(target))
    if path is None:
        raise InvalidInput(
            f"{target}: checks and recovery work on SQLite journal files; "
            "a server database is checked by its own tools"
        )
    if not path.is_file():
        raise JournalUnavailable(f"{path}: no such journal file")
    return path


def check_journal(target: str) -> JournalCheck:
    """SQLite's full integrity check of the journal file (indexes included)."""
    path = journal_file(target)
    return JournalCheck(path, check_file(path, full=True))


def recover(target: str, into: Path) -> Recovery:
    """Copy every readable row of the journal ``target`` into the new journal ``into``."""
    return recover_journal(journal_file(target), Path(into).expanduser())

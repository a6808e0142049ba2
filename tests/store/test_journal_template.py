"""The suite's journal template: each new test journal is a copy of one migrated file.

What is tested: a journal opened on a new path is copied from the template and is
at the shipped schema heads; the template itself was built by the real migrations
(tests/store/test_journal.py compares the result with the table models).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kratom_journal.store.db import shipped_heads
from kratom_journal.store.journal import open_journal
from tests.conftest import MigrateFromTemplate


def test_a_new_journal_is_a_copy_of_the_template(
    journal_template: MigrateFromTemplate, tmp_path: Path
) -> None:
    before = journal_template.copies
    journal = open_journal(tmp_path / "new" / "journal.sqlite3")
    assert journal.entries.list() == []
    journal.close()
    assert journal_template.copies == before + 1


def test_the_template_is_at_the_shipped_heads(journal_template: MigrateFromTemplate) -> None:
    with sqlite3.connect(journal_template.template) as conn:
        versions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    assert versions == shipped_heads()

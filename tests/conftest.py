"""Shared fixtures: a fresh journal per test, on SQLite or on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine
from typer.testing import CliRunner

from kratom_journal.store.journal import Journal, open_journal
from tests.other_account import OtherAccount, other_account_or_skip
from tests.pg_server import PostgresServer, postgres_bin

# Property tests check answers, not speed: a CI machine running several test workers
# can take 400 ms over a case that takes 0.04 ms when idle, and hypothesis's default
# 200 ms deadline would then fail a correct test.
settings.register_profile("journal", deadline=None)
settings.load_profile("journal")

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SCREENSHOTS_ENV = "KJ_SCREENSHOTS"  # "docs": `python3 tasks.py screenshots` refreshes the docs


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that save images are the ``screenshots`` tests (``tasks.py screenshots``)."""
    for item in items:
        if "screenshot_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.screenshots)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser and report tests save their images.

    A temporary folder, so that a test run never rewrites tracked files; with
    ``KJ_SCREENSHOTS=docs`` (``python3 tasks.py screenshots``) the docs' own folder.
    """
    if os.environ.get(SCREENSHOTS_ENV) == "docs":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class MigrateFromTemplate:
    """``migrate`` that first copies a migrated template into a new (absent or empty) SQLite file."""

    template: Path
    migrate: Callable[[Engine], None]
    copies: int = 0

    def __call__(self, engine: Engine) -> None:
        database = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
            target = Path(database)
            from kratom_journal.store.cipher import key_for

            empty = not target.exists() or target.stat().st_size == 0
            if empty and key_for(target) is None:  # an encrypted journal is created for real
                shutil.copyfile(self.template, target)
                self.copies += 1
        self.migrate(engine)


@pytest.fixture(scope="session", autouse=True)
def journal_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigrateFromTemplate]:
    """One journal migrated per run; every new SQLite journal a test opens starts as its copy.

    Running the migrations is most of the cost of a fresh journal, and the result
    is the same file each time. Journals that exist already (older schemas,
    foreign files, newer versions) still go through ``migrate`` as they are.
    """
    from kratom_journal.store import journal as journal_module

    template = tmp_path_factory.mktemp("template") / "journal.sqlite3"
    open_journal(template).close()
    copying = MigrateFromTemplate(template, journal_module.migrate)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(journal_module, "migrate", copying)
        yield copying


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the whole run (skipped only off CI without PostgreSQL)."""
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run must install it")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A PostgreSQL journal migrated once per run, the template of each test's database."""
    url = postgres_server.new_database()
    open_journal(url).close()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    """A fresh SQLite journal in a temporary folder."""
    opened = open_journal(journal_path)
    opened.settings.set("timezone", "Europe/Berlin")
    yield opened
    opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Journal]:
    """A fresh journal on SQLite and, in a second run, on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = str(tmp_path / "journal.sqlite3")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.new_database(template=request.getfixturevalue("postgres_template"))
    opened = open_journal(url)
    opened.settings.set("timezone", "Europe/Berlin")
    yield opened
    opened.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def kj(runner: CliRunner, journal_path: Path, journal: Journal):  # type: ignore[no-untyped-def]  # noqa: ARG001 - the journal, with its zone, must exist
    """Run ``kj`` with ``--db`` pointing at the test's journal; returns the Result."""
    from kratom_journal.cli.app import app

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--db", str(journal_path), *args], input=input)

    return invoke


@pytest.fixture
def other_account() -> Iterator[OtherAccount]:
    """A throwaway second OS account (skipped with a reason when not running as root)."""
    yield from other_account_or_skip()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder other accounts may enter (``0755``), unlike pytest's own temporary folders."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kj-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)

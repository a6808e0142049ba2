"""Write a new Alembic migration from the difference between the table models and the schema.

    .venv/bin/python tools/new_migration.py "add a column" 0007

It upgrades a throwaway SQLite journal to the current head, then lets Alembic
compare it with the models; review the generated file before committing it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from kratom_journal.store.db import MIGRATIONS_DIR, create_journal_engine, migrate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="what the migration does")
    parser.add_argument("revision", help="the new revision id, e.g. 0007")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_journal_engine(f"sqlite:///{Path(folder) / 'schema.sqlite3'}")
        migrate(engine)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=args.message, autogenerate=True, rev_id=args.revision)
        engine.dispose()


if __name__ == "__main__":
    main()

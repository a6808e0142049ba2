"""Write a new Alembic migration from the table models: python tools/new_migration.py MESSAGE REV_ID [DOWN_REV]."""
import sys
from alembic.config import Config
from alembic import command
from sqlalchemy import create_engine
from kratom_journal.store.db import MIGRATIONS_DIR
import kratom_journal.store.tables  # noqa
engine = create_engine("sqlite:///" + sys.argv[4] + "")
cfg = Config(); cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
with engine.begin() as conn:
    cfg.attributes["connection"] = conn
    command.revision(cfg, message=sys.argv[1], autogenerate=True, rev_id=sys.argv[2], head=sys.argv[3] if len(sys.argv)>3 else "head")

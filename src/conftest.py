"""Doctest collection over the package (pytest runs ``--doctest-modules``).

The Alembic migration scripts run only inside Alembic (``env.py`` reads its
context at import), so they are not imported as modules here.
"""

collect_ignore = ["kratom_journal/store/migrations"]

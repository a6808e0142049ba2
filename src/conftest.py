"""Doctest collection over the package (pytest runs ``--doctest-modules``).

Every module is imported to collect its examples, except two kinds that do
something on import: the Alembic migration scripts (``env.py`` reads Alembic's
context, which exists only inside a migration run) and ``__main__.py`` (it starts
the CLI; pytest never imports it for doctests).
"""

collect_ignore = ["kratom_journal/store/migrations", "kratom_journal/store/server/migrations"]

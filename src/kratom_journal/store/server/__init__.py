"""The clinic and study server's own tables, migrations and row-level security.

The server keeps every person's journal in the journal tables of one PostgreSQL
database, each row tagged with its owner (:mod:`.rls`), beside the server's own
tables (:mod:`.tables`): accounts, sessions, grants, studies, the job queue.
"""

"""The clinic and study server: many people's journals on one PostgreSQL database.

A face beside the command line and the local web app. It serves the local app's own
pages and journal API to each signed-in person, scoped to them by the database
(:mod:`kratom_journal.store.tenancy`), and adds accounts, sharing with clinicians,
studies and their pooled analysis.
"""

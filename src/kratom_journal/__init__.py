"""Kratom Journal: a local-first sleep and mood journal.

It shows, with honest uncertainty, what a person's own data say about kratom,
sleep and mood. It never gives dosing advice.
"""

__version__ = "0.1.0"

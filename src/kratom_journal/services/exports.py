"""Registry of extra export formats (``kj export --format NAME PATH``).

JSON and CSV are built in (see :mod:`transfer`); report modules register further
formats here as functions ``(journal, path) -> str`` returning a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kratom_journal.store.journal import Journal

Exporter = Callable[[Journal, Path], str]

EXPORTERS: dict[str, Exporter] = {}

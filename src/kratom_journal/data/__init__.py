"""The curated facts and questionnaires shipped with Kratom Journal, as data files.

Each file entry carries its source, an as-of date and a confidence; the tests
validate every file. Code reads them through :func:`data_path` only.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    """The path of a shipped data file, e.g. ``data_path("instruments", "phq9.json")``."""
    return DATA_DIR.joinpath(*parts)

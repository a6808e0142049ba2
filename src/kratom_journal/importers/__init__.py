"""Importers of wearable and app exports: one module per source, one registry.

Each module exposes ``SOURCE`` and a streaming ``parse(path)``; importers never
touch the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

IMPORTERS: dict[str, Callable[..., Any]] = {}

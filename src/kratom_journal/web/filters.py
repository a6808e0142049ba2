"""Jinja filters for the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def clock(value: datetime | None) -> str:
    return f"{value:%H:%M}" if value else ""


def day(value: date | datetime | None) -> str:
    return f"{value:%a %d %b %Y}" if value else ""


def number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def label(value: Any) -> str:
    return str(value).replace("_", " ").replace("-", " ")


FILTERS = {"clock": clock, "day": day, "number": number, "label": label}

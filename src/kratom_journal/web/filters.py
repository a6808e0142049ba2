"""Jinja filters for the pages."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from kratom_journal.domain.words import day_text


def clock(value: datetime | None) -> str:
    return f"{value:%H:%M}" if value else ""


def day(value: date | datetime | None) -> str:
    return day_text(value) if value else ""


_VERBS = {"call": "Call", "emergency": "Call", "text": "Text", "chat": "Chat at", "web": "See"}


def contact_links(value: str, kind: str) -> list[dict[str, str | None]]:
    """Tappable links for a crisis contact: ``tel:`` to call, ``sms:`` to text, ``https:``.

    A value naming two numbers ("112 or 999") gives a link for each.

    >>> [link["href"] for link in contact_links("112 or 999", "emergency")]
    ['tel:112', 'tel:999']
    >>> contact_links("9-8-8", "text")[0]["href"]
    'sms:988'
    >>> contact_links("https://988lifeline.org", "chat")[0]["text"]
    '988lifeline.org'
    """
    verb = _VERBS.get(kind, kind.capitalize())
    if kind in {"call", "emergency", "text"}:
        links: list[dict[str, str | None]] = []
        for part in re.split(r"\s+or\s+|\s*[,/;]\s*", value.strip()):
            digits = re.sub(r"[^0-9+]", "", part)
            if digits:
                scheme = "sms:" if kind == "text" else "tel:"
                links.append({"href": scheme + digits, "verb": verb, "text": part.strip()})
        return links or [{"href": None, "verb": verb, "text": value}]
    if value.startswith("https://"):
        return [{"href": value, "verb": verb, "text": value.removeprefix("https://").rstrip("/")}]
    return [{"href": None, "verb": verb, "text": value}]


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


METHOD_NAMES = {
    "ar1_reml_kr": "regression allowing for day-to-day carry-over (AR(1) errors)",
    "ar1_huber_reml_kr": (
        "regression allowing for day-to-day carry-over (AR(1) errors), robust to odd nights"
    ),
    "randomization_test_inverted": "randomization test (interval from inverting it)",
    "randomization_test": "randomization test",
    "bounded": "bounded estimate",
}
"""Plain names of the analysis methods the pages mention (their ids stay in the JSON)."""


def method(value: str) -> str:
    """The plain name of an analysis method id.

    >>> method("ar1_reml_kr")
    'regression allowing for day-to-day carry-over (AR(1) errors)'
    >>> method("some_new_method")
    'some new method'
    """
    return METHOD_NAMES.get(value, value.replace("_", " "))


FILTERS = {
    "method": method,
    "clock": clock,
    "day": day,
    "number": number,
    "label": label,
    "contact_links": contact_links,
}

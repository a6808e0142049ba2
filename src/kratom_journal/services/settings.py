"""Journal settings: known keys, their validation and their defaults."""

from __future__ import annotations

import re
from collections.abc import Callable

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services.clock import parse_zone, system_zone_name
from kratom_journal.store.journal import Journal


def _timezone(value: str) -> str:
    return str(parse_zone(value.strip()).key)


def _country(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InvalidEntry(
            f"expected an ISO 3166-1 alpha-2 code like US or DE, got {value!r}", "country"
        )
    return code


def _region(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", code):
        raise InvalidEntry(
            f"expected an ISO 3166-2 code like US-AL (or a country code), got {value!r}", "region"
        )
    return code


def _units(value: str) -> str:
    choice = value.strip().lower()
    if choice not in {"metric", "us"}:
        raise InvalidEntry(f"expected metric or us, got {value!r}", "units")
    return choice


def _source_priority(value: str) -> str:
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    if not names:
        raise InvalidEntry("expected a comma-separated list of sources", "sleep-source-priority")
    return ",".join(names)


SETTINGS: dict[str, tuple[Callable[[str], str], str]] = {
    "timezone": (_timezone, "IANA time zone of the journal (default: the system's)"),
    "country": (_country, "ISO 3166-1 alpha-2 country, for crisis lines and helplines"),
    "region": (_region, "ISO 3166-2 region such as US-AL, for legal status"),
    "units": (_units, "metric or us"),
    "sleep-source-priority": (
        _source_priority,
        "comma-separated wearable sources, most trusted first",
    ),
}
"""Known settings: validator and a one-line description."""


def _check_key(key: str) -> str:
    name = key.strip().lower()
    if name not in SETTINGS:
        raise InvalidEntry(f"unknown setting {key!r}; known settings: {', '.join(SETTINGS)}")
    return name


def set_setting(journal: Journal, key: str, value: str) -> str:
    """Validate and store a setting; returns the stored (normalized) value."""
    name = _check_key(key)
    validator, _ = SETTINGS[name]
    normalized = validator(value)
    journal.settings.set(name, normalized)
    if name == "region" and "-" in normalized and not journal.settings.get("country"):
        journal.settings.set("country", normalized.split("-")[0])
    return normalized


def unset_setting(journal: Journal, key: str) -> None:
    journal.settings.unset(_check_key(key))


def effective_settings(journal: Journal) -> dict[str, str]:
    """Stored settings with defaults filled in."""
    stored = journal.settings.all()
    return {"timezone": system_zone_name(), **stored}

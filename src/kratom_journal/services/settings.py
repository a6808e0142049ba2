"""Journal settings: known keys, their validation and their defaults."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from kratom_journal.domain.branding import DISCREET_KEY, parse_discreet
from kratom_journal.domain.errors import InvalidEntry, InvalidInput
from kratom_journal.domain.timeparse import parse_clock, parse_day, parse_zone
from kratom_journal.services.clock import TIMEZONE_KEY, system_zone_name
from kratom_journal.store.journal import Journal


def _timezone(value: str) -> str:
    return str(parse_zone(value.strip()).key)


def _country(value: str) -> str:
    """A country from the list, by name or code; another ISO 3166-1 code is taken as it is."""
    from kratom_journal.services.safety import find_country

    listed = find_country(value)
    if listed is not None:
        return listed.code
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InvalidEntry(
            f"unknown country {value.strip()!r}; give a listed country's name or its "
            "two-letter code (US, GB, DE, ...)",
            "country",
        )
    return _iso_code(code, "country")


def _region(value: str) -> str:
    """A state or province from the list, by name or code, or an ISO 3166-2 code."""
    from kratom_journal.services.safety import find_region

    listed = find_region(value)
    if listed is not None:
        return listed.code
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", code):
        raise InvalidEntry(
            f"unknown region {value.strip()!r}; give a listed state or province (Alabama, "
            "US-AL) or a country code",
            "region",
        )
    return _iso_code(code, "region")


def _iso_code(code: str, key: str) -> str:
    """``code`` if it is real ISO 3166 (``US-ZZ`` is not), else a field-named error."""
    from kratom_journal.services.safety import check_jurisdiction

    try:
        return check_jurisdiction(code)
    except InvalidInput as error:
        raise InvalidEntry(str(error), key) from None


def _clock(key: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        clock = parse_clock(value.strip(), key)
        if clock is None:
            raise InvalidEntry(f"expected a clock time like 23:00, got {value!r}", key)
        return f"{clock:%H:%M}"

    return read


def _done(value: str) -> str:
    choice = value.strip().lower()
    if choice not in {"done", "skipped"}:
        raise InvalidEntry(f"expected done or skipped, got {value!r}", "first-run")
    return choice


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


def _patient_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 200:
        raise InvalidEntry("expected a name of 1 to 200 characters", "patient-name")
    return name


def _birth_date(value: str) -> str:
    return parse_day(value, "patient-birth-date").isoformat()


def _gender(value: str) -> str:
    choice = value.strip().lower()
    if choice not in {"male", "female", "other", "unknown"}:
        raise InvalidEntry(
            f"expected male, female, other or unknown, got {value!r}", "patient-gender"
        )
    return choice


def _discreet(value: str) -> str:
    return "on" if parse_discreet(value) else "off"


def is_discreet(journal: Journal) -> bool:
    """Whether the person asked for the neutral name and no mention of kratom."""
    return parse_discreet(journal.settings.get(DISCREET_KEY) or "off")


SETTINGS: dict[str, tuple[Callable[[str], str], str]] = {
    "timezone": (
        _timezone,
        "time zone of new entries, e.g. Europe/Berlin (default: the system's)",
    ),
    "country": (_country, "your country, for crisis lines and helplines (name or code)"),
    "region": (_region, "your state or province, for legal status (e.g. Alabama or US-AL)"),
    "units": (_units, "metric or us"),
    "sleep-source-priority": (
        _source_priority,
        "comma-separated wearable sources, most trusted first",
    ),
    "patient-name": (_patient_name, "your name, only if you want it on reports and FHIR exports"),
    "patient-birth-date": (_birth_date, "birth date YYYY-MM-DD, only if you want it exported"),
    "patient-gender": (_gender, "male, female, other or unknown, only if you want it exported"),
    "usual-bedtime": (
        _clock("usual-bedtime"),
        "when you usually go to bed, HH:MM (fills in the sleep diary)",
    ),
    "usual-rise-time": (
        _clock("usual-rise-time"),
        "when you usually get up, HH:MM (fills in the sleep diary)",
    ),
    DISCREET_KEY: (
        _discreet,
        "on or off: show the app as 'Sleep Journal' and keep the word kratom off "
        "titles, the installed app, reminders and report headers",
    ),
    "first-run": (_done, "done or skipped: the first-run questions are no longer offered"),
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


def replace_settings(journal: Journal, values: Mapping[str, str]) -> dict[str, str]:
    """Set every known setting in ``values``; an empty one goes back to its default.

    Every value is checked first: with any problem nothing is stored, and the
    problems are returned by setting name (empty when all was stored).
    """
    problems: dict[str, str] = {}
    for key, (validator, _) in SETTINGS.items():
        text = values.get(key, "").strip()
        if text:
            try:
                validator(text)
            except InvalidEntry as exc:
                problems[key] = exc.message
    if problems:
        return problems
    stored = journal.settings.all()
    for key in SETTINGS:
        if key not in values:
            continue  # a setting the form does not show is left as it is
        text = values[key].strip()
        if text:
            set_setting(journal, key, text)
        elif key in stored:
            unset_setting(journal, key)
    return {}


MAX_SETTING_LENGTH = 200
"""The longest setting value a file may carry (zone names, regions and flags are short);
a longer one is refused without being quoted back in full."""


def imported_settings(values: object) -> tuple[dict[str, str], list[str]]:
    """Settings from a journal file, validated as typed ones are: (normalized, problems).

    A file's settings are checked like ``kj config set``: a time zone of ``Mars``
    or a region of ``<script>`` is refused by name, never stored to break later
    commands or pages.
    """
    if values is None:
        return {}, []
    if not isinstance(values, dict):
        return {}, ['"settings" must be an object of names and values']
    normalized: dict[str, str] = {}
    problems: list[str] = []
    for key, value in values.items():
        name = str(key).strip().lower()
        if name not in SETTINGS:
            problems.append(f"setting {str(key)[:40]!r}: unknown; known: {', '.join(SETTINGS)}")
            continue
        if not isinstance(value, str):
            problems.append(f"setting {name}: expected text, got {type(value).__name__}")
            continue
        if len(value) > MAX_SETTING_LENGTH:
            problems.append(
                f"setting {name}: is too long ({len(value)} characters; "
                f"at most {MAX_SETTING_LENGTH})"
            )
            continue
        try:
            normalized[name] = SETTINGS[name][0](value)
        except InvalidEntry as exc:
            problems.append(f"setting {name}: {exc.message}")
    return normalized, problems


def effective_settings(journal: Journal) -> dict[str, str]:
    """Stored settings with defaults filled in (readable even when a stored zone is not)."""
    return {TIMEZONE_KEY: system_zone_name(), **journal.settings.all()}


DEFAULT_UNITS = "metric"


@dataclass(frozen=True, slots=True)
class JournalSettings:
    """The journal's settings as one typed snapshot, read once per command or request.

    ``zone`` is the journal's time zone (the machine's when none is set);
    ``stored`` keeps the stored text of every setting, for listing them.
    """

    zone: ZoneInfo
    country: str | None = None
    region: str | None = None
    units: str = DEFAULT_UNITS
    sleep_source_priority: tuple[str, ...] = ()
    patient_name: str | None = None
    patient_birth_date: str | None = None
    patient_gender: str | None = None
    stored: Mapping[str, str] = field(default_factory=dict)

    @property
    def zone_name(self) -> str:
        """The IANA name of :attr:`zone`, as entries record it."""
        return str(self.zone.key)

    @property
    def usual_bedtime(self) -> str | None:
        """When the person usually goes to bed (``HH:MM``), if they said."""
        return self.stored.get("usual-bedtime") or None

    @property
    def usual_rise_time(self) -> str | None:
        """When the person usually gets up (``HH:MM``), if they said."""
        return self.stored.get("usual-rise-time") or None

    @property
    def first_run_open(self) -> bool:
        """True while the first-run questions are still offered.

        They are offered until finished or skipped, or until both the zone and the
        country are set some other way.
        """
        if self.stored.get("first-run") in {"done", "skipped"}:
            return False
        return not (self.stored.get(TIMEZONE_KEY) and self.stored.get("country"))

    @property
    def place(self) -> str | None:
        """Where the person is for legal status: the region, else the country."""
        return self.region or self.country

    @classmethod
    def from_stored(cls, stored: Mapping[str, str], default_zone: str = "UTC") -> JournalSettings:
        """The snapshot of stored setting texts (a stored zone this machine lacks is an error).

        >>> snapshot = JournalSettings.from_stored({"country": "DE", "units": "us"})
        >>> snapshot.zone_name, snapshot.country, snapshot.units, snapshot.region
        ('UTC', 'DE', 'us', None)
        """
        priority = stored.get("sleep-source-priority", "")
        return cls(
            zone=parse_zone(stored.get(TIMEZONE_KEY) or default_zone),
            country=stored.get("country") or None,
            region=stored.get("region") or None,
            units=stored.get("units") or DEFAULT_UNITS,
            sleep_source_priority=tuple(n for n in priority.split(",") if n),
            patient_name=stored.get("patient-name") or None,
            patient_birth_date=stored.get("patient-birth-date") or None,
            patient_gender=stored.get("patient-gender") or None,
            stored=dict(stored),
        )


def read_settings(journal: Journal) -> JournalSettings:
    """Read every setting of the journal once, into a :class:`JournalSettings` snapshot."""
    return JournalSettings.from_stored(journal.settings.all(), system_zone_name())

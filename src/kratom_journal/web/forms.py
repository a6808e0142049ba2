"""Reading the logging forms into the entry services' inputs.

The services validate; this module only turns form text into their arguments
and names the form field an error belongs to.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import date, timedelta
from typing import Protocol

from kratom_journal.domain.errors import InvalidEntry, JournalError
from kratom_journal.domain.numbers import decimal_number, whole_number
from kratom_journal.services import entries as entry_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal, StoredEntry

FIELD_OF_ERROR = {
    "taken_at": "at",
    "unit": "amount",
    "grams_per_capsule": "grams_per_capsule",
    "date": "date",
}
"""Domain field -> form field, where the form names it differently."""

KEY_FIELD = "idempotency_key"
"""The hidden field each form carries: a key drawn with the page (one submission, one write)."""


_KEY_BYTES = 16
_random_keys: list[str] = []
_keys_lock = threading.Lock()
# A forked process draws its own keys (two processes must never hand out the same one).
os.register_at_fork(after_in_child=_random_keys.clear)


def new_form_key() -> str:
    """A fresh key for one drawn form: 16 random bytes from the system, as hex.

    Drawn 256 at a time: a page has a dozen forms, and each call for system
    randomness releases the interpreter lock, which a busy server takes milliseconds
    to give back.
    """
    with _keys_lock:
        if not _random_keys:
            pool = os.urandom(_KEY_BYTES * 256)
            _random_keys.extend(
                pool[at : at + _KEY_BYTES].hex() for at in range(0, len(pool), _KEY_BYTES)
            )
        return _random_keys.pop()


def form_key(values: dict[str, str], scope: str) -> str | None:
    """The idempotency key of a submitted form, tied to what it asks for.

    The same form sent twice (a double tap, a resend) has the same key and values,
    so it writes once. Changed and sent again from the same page (after Back, say),
    it is a new request and writes again.
    """
    key = values.get(KEY_FIELD, "").strip()
    if not key or len(key) > 64:
        return None
    asked = {k: v for k, v in values.items() if k not in {KEY_FIELD, "page_day"}}
    digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:24]
    return f"form:{scope}:{key}:{digest}"


def when_values(values: dict[str, str], today: date) -> tuple[str | None, bool]:
    """The day a form names and whether a time later than now is meant for today.

    The date field shows today by default; a time later than now on today is asked
    about (the answer comes back as ``future``: ``today`` or ``yesterday``).
    """
    day = _text(values, "date")
    future = values.get("future", "")
    if future == "yesterday":
        return (today - timedelta(days=1)).isoformat(), True
    if day == today.isoformat():
        day = None
    return day, future == "today" or day is not None


SUBSTANCE_CHOICES = ("caffeine", "alcohol", "melatonin", "cannabis", "medication", "other")


def _text(values: dict[str, str], name: str) -> str | None:
    value = values.get(name, "").strip()
    return value or None


def _int(values: dict[str, str], name: str, required: bool = True) -> int | None:
    text = _text(values, name)
    if text is None:
        if required:
            raise InvalidEntry("please fill this in", name)
        return None
    return whole_number(text, name)


def _float(values: dict[str, str], name: str) -> float | None:
    text = _text(values, name)
    if text is None:
        return None
    return decimal_number(text, name)


def _required(values: dict[str, str], name: str) -> str:
    text = _text(values, name)
    if text is None:
        raise InvalidEntry("please fill this in", name)
    return text


def confirmed(values: dict[str, str]) -> bool:
    return values.get("confirm") in {"1", "on", "yes", "true"}


def _today(settings: JournalSettings | None, clock: Clock) -> date:
    return clock.today(settings.zone) if settings is not None else clock.now().date()


def submit_dose(
    journal: Journal,
    values: dict[str, str],
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    day, future_ok = when_values(values, _today(settings, clock))
    data = entry_service.DoseInput(
        amount=_required(values, "amount"),
        strain=_text(values, "strain"),
        form=_text(values, "form"),
        product=_text(values, "product"),
        at=_text(values, "at"),
        grams_per_capsule=_float(values, "grams_per_capsule"),
        note=_text(values, "note"),
        day=day,
        future_ok=future_ok,
    )
    return entry_service.log_dose(
        journal,
        data,
        confirmed(values),
        settings=settings,
        clock=clock,
        key=form_key(values, "dose"),
    )


def substance_name(values: dict[str, str]) -> str:
    """``medication`` and ``other`` need a name: they become ``medication:<name>``."""
    choice = _required(values, "substance").lower()
    name = _text(values, "substance_name")
    if choice in {"medication", "other"}:
        if name is None:
            raise InvalidEntry("say which one", "substance_name")
        return f"{choice}:{name}"
    return choice


def submit_substance(
    journal: Journal,
    values: dict[str, str],
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    day, future_ok = when_values(values, _today(settings, clock))
    data = entry_service.DoseInput(
        amount=_required(values, "amount"),
        substance=substance_name(values),
        at=_text(values, "at"),
        note=_text(values, "note"),
        day=day,
        future_ok=future_ok,
    )
    return entry_service.log_dose(
        journal,
        data,
        confirmed(values),
        settings=settings,
        clock=clock,
        key=form_key(values, "substance"),
    )


def submit_sleep(
    journal: Journal,
    values: dict[str, str],
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    return entry_service.log_sleep(
        journal, sleep_input(values), settings=settings, clock=clock, key=form_key(values, "sleep")
    )


def sleep_input(values: dict[str, str]) -> entry_service.SleepInput:
    """The diary night a form (or an API body, as text) describes."""
    return entry_service.SleepInput(
        night=_text(values, "night"),
        bed_at=_required(values, "bed_at"),
        tried_at=_required(values, "tried_at"),
        sol_min=_int(values, "sol_min"),  # type: ignore[arg-type]
        awakenings=_int(values, "awakenings"),  # type: ignore[arg-type]
        waso_min=_int(values, "waso_min"),  # type: ignore[arg-type]
        final_wake_at=_required(values, "final_wake_at"),
        out_of_bed_at=_required(values, "out_of_bed_at"),
        quality=_int(values, "quality"),  # type: ignore[arg-type]
        nap_count=_int(values, "nap_count", False),
        nap_min=_int(values, "nap_min", False),
        note=_text(values, "note"),
    )


def submit_mood(
    journal: Journal,
    values: dict[str, str],
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    day, future_ok = when_values(values, _today(settings, clock))
    return entry_service.log_mood(
        journal,
        _int(values, "mood"),  # type: ignore[arg-type]
        _int(values, "anxiety", False),
        _int(values, "energy", False),
        _text(values, "at"),
        _text(values, "note"),
        settings=settings,
        clock=clock,
        day=day,
        future_ok=future_ok,
        key=form_key(values, "mood"),
    )


def submit_side_effect(
    journal: Journal,
    values: dict[str, str],
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    day, future_ok = when_values(values, _today(settings, clock))
    return entry_service.log_side_effect(
        journal,
        _required(values, "symptom"),
        _int(values, "severity"),  # type: ignore[arg-type]
        _text(values, "at"),
        _text(values, "note"),
        settings=settings,
        clock=clock,
        day=day,
        future_ok=future_ok,
        key=form_key(values, "side-effect"),
    )


class Submitter(Protocol):
    """Reads one of Today's forms and stores the entry it describes."""

    def __call__(
        self,
        journal: Journal,
        values: dict[str, str],
        *,
        settings: JournalSettings | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> StoredEntry: ...


SUBMITTERS: dict[str, Submitter] = {
    "dose": submit_dose,
    "substance": submit_substance,
    "sleep": submit_sleep,
    "mood": submit_mood,
    "side-effect": submit_side_effect,
}


def error_field(exc: InvalidEntry, form: str) -> str:
    """The form field an error belongs to (the form's first field when none is named)."""
    name = exc.field or ""
    name = FIELD_OF_ERROR.get(name, name)
    return name or {
        "dose": "amount",
        "substance": "substance",
        "sleep": "night",
        "mood": "mood",
        "side-effect": "symptom",
    }.get(form, "")


def failure(exc: Exception, form: str) -> tuple[str, str]:
    """(field, message) for an error a person caused."""
    if isinstance(exc, InvalidEntry):
        return error_field(exc, form), exc.message
    if isinstance(exc, OverflowError):
        return "", "a date or number is out of range"
    return "", str(exc)


ENTRY_ERRORS: tuple[type[Exception], ...] = (JournalError, OverflowError)
"""Errors a person's input can cause (a date or number too large to represent overflows)."""

"""The first run: where the person is, what they take, when they usually sleep.

Asked on the web (``/welcome``) and by ``kj init``, and offered until done: the time
zone (pre-set from the system), the country and region (so the crisis screen shows
the right line from the start), declared medicines (checked for interactions at
once) and the usual bed and rise times (which pre-fill the sleep diary). Nothing
is stored unless every answer is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.safety.crisis import CrisisNotice, crisis_resources
from kratom_journal.safety.interactions import InteractionCheck
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.safety import check_names, declare_medicine
from kratom_journal.services.settings import SETTINGS, read_settings, replace_settings, set_setting
from kratom_journal.store.journal import Journal

ASKED_SETTINGS = ("timezone", "country", "region", "usual-bedtime", "usual-rise-time")
"""The settings the first run asks for, in its order."""


@dataclass(frozen=True)
class FirstRunAnswers:
    """What the person answered; empty text means "not given"."""

    timezone: str = ""
    country: str = ""
    region: str = ""
    usual_bedtime: str = ""
    usual_rise_time: str = ""
    medicines: Sequence[str] = ()
    daily: bool = True

    def settings(self) -> dict[str, str]:
        return {
            "timezone": self.timezone,
            "country": self.country,
            "region": self.region,
            "usual-bedtime": self.usual_bedtime,
            "usual-rise-time": self.usual_rise_time,
        }


@dataclass
class FirstRunResult:
    """What the first run stored, or the problem with each answer (nothing stored then)."""

    problems: dict[str, str] = field(default_factory=dict)
    crisis: CrisisNotice | None = None
    checks: list[InteractionCheck] = field(default_factory=list)


def medicine_names(text: str) -> list[str]:
    """Medicine names typed as one line: ``sertraline, tramadol`` (or one per line).

    >>> medicine_names(" sertraline,  tramadol\\nxanax ,")
    ['sertraline', 'tramadol', 'xanax']
    """
    parts = text.replace("\n", ",").replace(";", ",").split(",")
    return [" ".join(p.split()) for p in parts if p.strip()]


def complete_first_run(
    journal: Journal, answers: FirstRunAnswers, *, clock: Clock = SYSTEM_CLOCK
) -> FirstRunResult:
    """Check every answer; when all are valid store them and mark the first run done."""
    problems: dict[str, str] = {}
    for key, text in answers.settings().items():
        if text.strip():
            validator, _ = SETTINGS[key]
            try:
                validator(text)
            except InvalidEntry as exc:
                problems[key] = exc.message
    for name in answers.medicines:
        if len(name) > 200:
            problems["medicines"] = f"a medicine name has at most 200 characters: {name[:20]}…"
    if problems:
        return FirstRunResult(problems=problems)
    given = {k: v for k, v in answers.settings().items() if v.strip()}
    replace_settings(journal, given)
    for name in answers.medicines:
        declare_medicine(journal, name, answers.daily, clock=clock)
    set_setting(journal, "first-run", "done")
    settings = read_settings(journal)
    return FirstRunResult(
        crisis=crisis_resources(settings.country),
        checks=check_names(list(answers.medicines)),
    )


def skip_first_run(journal: Journal) -> None:
    """Stop offering the first-run questions (they stay in the settings)."""
    set_setting(journal, "first-run", "skipped")

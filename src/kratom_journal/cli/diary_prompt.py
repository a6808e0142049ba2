"""``kj log sleep`` one question at a time: each answer is checked as it is given.

The questions and the rules are the web form's (:mod:`kratom_journal.services.diary_form`);
a bad answer is explained and asked again at once, and only that one. Answers
given as flags are checked in the same order, without asking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, tzinfo

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services.diary_form import DIARY_ITEMS, answer_text, read_answer

FLAG_OF = {
    "bed_at": "bed",
    "tried_at": "tried",
    "sol_min": "sol",
    "awakenings": "awakenings",
    "waso_min": "waso",
    "final_wake_at": "final-wake",
    "out_of_bed_at": "out",
    "quality": "quality",
}
"""The ``kj log sleep`` option of each diary item."""

UNIT_HINT = {"time": " (HH:MM)", "int": ""}
MINUTES = {"sol_min", "waso_min"}

Ask = Callable[[str, str | None], str]
"""Asks one question (with a default answer, if any) and returns the text typed."""


def missing_flags(given: Mapping[str, str | None]) -> list[str]:
    """The options of the diary items not given."""
    return [f"--{FLAG_OF[item.name]}" for item in DIARY_ITEMS if given.get(item.name) is None]


def diary_answers(
    given: Mapping[str, str | None],
    night: date,
    zone: tzinfo,
    ask: Ask,
    tell: Callable[[str], None],
    defaults: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every diary answer, from the flags ``given`` or asked; each checked as it comes.

    A flag's value that breaks a rule raises :class:`InvalidEntry` naming its option;
    an answer typed at the prompt that does is explained and asked again.
    """
    values: dict[str, object] = {}
    for item in DIARY_ITEMS:
        text = given.get(item.name)
        if text is not None:
            try:
                values[item.name] = read_answer(item.name, text, values, night, zone)
            except InvalidEntry as exc:
                raise InvalidEntry(exc.message, f"--{FLAG_OF[item.name]}") from None
            continue
        hint = UNIT_HINT[item.kind] + (" (minutes)" if item.name in MINUTES else "")
        while True:
            typed = ask(f"{item.question}{hint}", (defaults or {}).get(item.name))
            try:
                values[item.name] = read_answer(item.name, typed, values, night, zone)
                break
            except InvalidEntry as exc:
                tell(f"{exc.message}; please answer this one again.")
    return {name: answer_text(value) for name, value in values.items()}

"""The questions the journal declares before looking at anyone's data.

Outcomes are grouped in five families. Each family has one **primary outcome** (the first of
its ordered list that has been logged, a rule fixed in advance) and two pre-declared primary
questions about it:

* ``sustained_use``: nights on days with kratom against nights of a longer break;
* ``after_skipped_dose``: nights just after a skipped dose against nights on days with kratom
  (the possible withdrawal or rebound effect).

Everything else (the family's other outcomes, amounts, timing, strains, forms, the mood-sleep
loop, the two-week questionnaires) is **exploratory**: shown in the details, shrunk towards
no difference (:mod:`kratom_journal.analysis.shrinkage`), never the headline.

Sleep efficiency is not tested on its own: it is computed from total sleep and time in bed,
so testing it beside them would count one difference twice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    """One outcome family: what it is called and its outcomes in order of precedence."""

    id: str
    label: str
    question: str
    primary_candidates: tuple[str, ...]
    exploratory: tuple[str, ...] = ()
    questionnaire: str | None = None

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Every day-by-day outcome of the family."""
        return self.primary_candidates + self.exploratory


FAMILIES: tuple[Family, ...] = (
    Family(
        "sleep_onset",
        "Falling asleep",
        "How long you take to fall asleep",
        ("sol_min",),
    ),
    Family(
        "sleep_maintenance",
        "Staying asleep",
        "How long you lie awake in the night",
        ("waso_min",),
        ("awakenings", "wearable_awakenings"),
    ),
    Family(
        "total_sleep",
        "Total sleep",
        "How much you sleep",
        ("tst_min", "wearable_tst_min"),
        ("quality", "deep_sleep_min", "hrv_ms"),
    ),
    Family(
        "mood",
        "Mood",
        "Your mood the next day",
        ("mood_next_day",),
        questionnaire="phq9",
    ),
    Family(
        "anxiety",
        "Anxiety",
        "Your anxiety the next day",
        ("anxiety_next_day",),
        questionnaire="gad7",
    ),
)
"""Families in display order."""

LINKED_OUTCOMES = {"se_pct": "tst_min"}
"""Outcomes computed from others: never tested separately (id -> the outcome it repeats)."""

QUESTIONNAIRES = ("phq9", "gad7")
"""Two-week recall questionnaires: analysed against the preceding 14 days only."""

PRIMARY_QUESTIONS = ("sustained_use", "after_skipped_dose")


def family_of(outcome: str) -> Family | None:
    """The family an outcome belongs to, if any.

    >>> family_of("awakenings").id
    'sleep_maintenance'
    >>> family_of("se_pct") is None
    True
    """
    for family in FAMILIES:
        if outcome in family.outcomes or outcome == family.questionnaire:
            return family
    return None


def family_by_id(family_id: str) -> Family:
    """The family with this id."""
    for family in FAMILIES:
        if family.id == family_id:
            return family
    raise KeyError(family_id)

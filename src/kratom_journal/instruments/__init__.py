"""Validated questionnaires as data, with one generic scoring engine."""

from kratom_journal.instruments.loader import (
    SHIPPED_IDS,
    InstrumentError,
    load_instrument_file,
    parse_instrument,
    shipped_instrument,
    shipped_instruments,
)
from kratom_journal.instruments.schema import Instrument
from kratom_journal.instruments.scoring import (
    ChangeResult,
    InvalidAnswers,
    SafetyFlag,
    ScoreResult,
    SubscaleScore,
    compare,
    needs_crisis_resources,
    parse_answer_list,
    safety_flags,
    score,
    validate_answers,
)

__all__ = [
    "SHIPPED_IDS",
    "ChangeResult",
    "Instrument",
    "InstrumentError",
    "InvalidAnswers",
    "SafetyFlag",
    "ScoreResult",
    "SubscaleScore",
    "compare",
    "load_instrument_file",
    "needs_crisis_resources",
    "parse_answer_list",
    "parse_instrument",
    "safety_flags",
    "score",
    "shipped_instrument",
    "shipped_instruments",
    "validate_answers",
]

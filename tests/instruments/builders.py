"""A small questionnaire written by the tests, with its own crisis rule.

The rule sits on the second of three items and fires from answer 2 upwards, so a
test that sees crisis resources for it knows the rule came from the file and not
from anything hard-coded about PHQ-9 item 9.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kratom_journal.instruments import Instrument, parse_instrument

CRISIS_ITEM = "b"
CRISIS_FROM = 2


def checkin_definition(instrument_id: str = "checkin3") -> dict[str, Any]:
    """A three-item check-in (0-3 each) whose item ``b`` at 2 or more calls for crisis resources."""
    return {
        "format": 1,
        "id": instrument_id,
        "name": "Three-item test check-in",
        "short_name": "CHECK-3",
        "kind": "screen",
        "measures": "how the week went",
        "recall_period": "last week",
        "instructions": "Over the last week, how often did you feel this way?",
        "copyright": "Written for the Kratom Journal tests.",
        "license": "Public domain.",
        "citations": [{"text": "Written for the Kratom Journal tests; not a published scale."}],
        "source": "the tests",
        "as_of": "2026-01-01",
        "response_sets": {
            "often": [
                {"value": 0, "label": "Never"},
                {"value": 1, "label": "Sometimes"},
                {"value": 2, "label": "Often"},
                {"value": 3, "label": "Always"},
            ]
        },
        "items": [
            {"id": "a", "text": "Felt rested", "response_set": "often"},
            {"id": CRISIS_ITEM, "text": "Felt there was no way out", "response_set": "often"},
            {"id": "c", "text": "Felt calm", "response_set": "often"},
        ],
        "scoring": {"method": "sum", "missing": {"rule": "no_score", "basis": "test rule"}},
        "change": {"direction": "lower_is_better"},
        "safety": [
            {
                "item": CRISIS_ITEM,
                "min_value": CRISIS_FROM,
                "action": "crisis",
                "reason": "test rule: item b at 2 or more",
            }
        ],
    }


def checkin_instrument() -> Instrument:
    return parse_instrument(json.dumps(checkin_definition()), "checkin3.json")


def write_checkin(folder: Path) -> Path:
    """The check-in as an instrument file in ``folder``."""
    path = folder / "checkin3.json"
    path.write_text(json.dumps(checkin_definition()), encoding="utf-8")
    return path

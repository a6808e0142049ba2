"""The documented JSON fields match what the commands print (docs/instruments.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import log_sleep_args

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "instruments.md").read_text(encoding="utf-8")


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for child in value.values():
            keys |= _keys(child)
        return keys
    if isinstance(value, list):
        return set().union(*(_keys(child) for child in value)) if value else set()
    return set()


def test_survey_and_scores_json_keys_are_documented(kj) -> None:
    kj("survey", "phq9", "--answers", "2,2,2,2,2,2,2,2,0", "--at", "2024-05-01 09:00")
    survey = json.loads(kj("survey", "phq9", "--answers", "1,1,1,1,1,1,1,1,1", "--json").stdout)
    scores = json.loads(kj("scores", "--json").stdout)
    keys = _keys(survey) | _keys(scores)
    keys -= {str(i) for i in range(1, 10)} | {"difficulty"}  # answer item ids
    missing = sorted(k for k in keys if f'"{k}"' not in DOCS and f"`{k}`" not in DOCS)
    assert missing == []


def test_sleep_stats_json_keys_are_documented(kj) -> None:
    kj(*log_sleep_args(night="2024-05-01"))
    stats = json.loads(kj("sleep", "stats", "--json").stdout)
    missing = sorted(k for k in _keys(stats) if f'"{k}"' not in DOCS and f"`{k}`" not in DOCS)
    assert missing == []

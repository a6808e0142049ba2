"""The crisis rule in the command line comes from the instrument's file, not from code.

What is tested: a questionnaire written by the test, with a crisis rule on its
second item from answer 2, shows the crisis resources right after that item in
the interactive survey, before the score with ``--answers``, first in ``--json``,
first in ``kj scores`` and first in ``kj report`` (which names the item); an
answer below the rule shows none.
What is NOT tested: PHQ-9 item 9 itself (tests/cli/test_survey_cli.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.instruments.builders import write_checkin

CRISIS_MARK = "alerts no one"


def test_interactive_survey_shows_crisis_right_after_the_rules_item(kj, tmp_path: Path) -> None:
    path = write_checkin(tmp_path)
    result = kj("survey", "--file", str(path), input="0\n2\n\n0\n")
    assert result.exit_code == 0, result.output
    first_crisis = result.output.index(CRISIS_MARK)
    assert result.output.index("question 2 of 3") < first_crisis
    assert first_crisis < result.output.index("question 3 of 3")
    assert result.output.rindex(CRISIS_MARK) < result.output.index("CHECK-3: ")


def test_answers_json_and_scores_put_crisis_first(kj, tmp_path: Path) -> None:
    path = write_checkin(tmp_path)
    result = kj("survey", "--file", str(path), "--answers", "0,3,0")
    assert result.exit_code == 0, result.output
    assert result.output.index(CRISIS_MARK) < result.output.index("CHECK-3: ")
    data = json.loads(kj("survey", "--file", str(path), "--answers", "0,2,0", "--json").stdout)
    assert list(data)[0] == "crisis" and data["crisis"] is not None
    assert data["administration"]["safety_flags"] == [{"item": "b", "value": 2}]
    table = kj("scores")
    assert table.output.index(CRISIS_MARK) < table.output.index("CHECK-3")


def test_below_the_rule_no_crisis(kj, tmp_path: Path) -> None:
    path = write_checkin(tmp_path)
    result = kj("survey", "--file", str(path), input="3\n1\n3\n")
    assert result.exit_code == 0, result.output
    assert CRISIS_MARK not in result.output


def test_the_report_opens_with_crisis_resources(kj, tmp_path: Path) -> None:
    path = write_checkin(tmp_path)
    kj("survey", "--file", str(path), "--answers", "0,2,0")
    out = tmp_path / "report.html"
    result = kj("report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.index(CRISIS_MARK) < result.output.index("Wrote the")
    html = out.read_text(encoding="utf-8")
    assert "Felt there was no way out" in html

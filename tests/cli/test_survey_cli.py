"""``kj survey``, ``kj scores`` and ``kj sleep stats`` end to end.

What is tested: the crisis screen comes before the score for PHQ-9 item 9 =
1, 2 and 3 in every output path (interactive, --answers, --json, scores,
scores --json), and not for 0; one-line errors for bad answers and bad
instrument files; sleep stats JSON keys; the derived metrics in
``kj list --kind sleep --json``.
What is NOT tested: terminal layout details.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import log_sleep_args

CRISIS_MARK = "alerts no one"
ZERO_ITEM9 = "1,1,1,1,1,1,1,1,0"


def _answers(item9: int) -> str:
    return f"1,1,1,1,1,1,1,1,{item9}"


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_answers_path_shows_crisis_before_score(kj, item9: int) -> None:
    result = kj("survey", "phq9", "--answers", _answers(item9), "--at", "2024-05-01 09:00")
    assert result.exit_code == 0, result.output
    assert CRISIS_MARK in result.output
    assert result.output.index(CRISIS_MARK) < result.output.index("PHQ-9: ")
    assert "findahelpline.com" in result.output


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_json_path_puts_crisis_object_first(kj, item9: int) -> None:
    kj("config", "set", "country", "US")
    result = kj("survey", "phq9", "--answers", _answers(item9), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[0] == "crisis"
    assert data["crisis"]["lines"][0]["contacts"][0]["value"] == "988"
    assert CRISIS_MARK in data["crisis"]["app_alerts_no_one"]
    assert data["administration"]["total"] == 8 + item9


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_interactive_path_shows_crisis_right_after_item9(kj, item9: int) -> None:
    typed = "\n".join(["1"] * 8 + [str(item9), "", ""]) + "\n"  # item 9, Enter, skip difficulty
    result = kj("survey", "phq9", input=typed)
    assert result.exit_code == 0, result.output
    after_item9 = result.output.index("question 9 of 10")
    first_crisis = result.output.index(CRISIS_MARK)
    assert after_item9 < first_crisis < result.output.index("question 10 of 10")
    assert result.output.rindex(CRISIS_MARK) < result.output.index("PHQ-9: ")


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_scores_paths_show_crisis_first(kj, item9: int) -> None:
    kj("survey", "phq9", "--answers", _answers(item9))
    table = kj("scores")
    assert table.exit_code == 0, table.output
    assert table.output.index(CRISIS_MARK) < table.output.index("PHQ-9")
    data = json.loads(kj("scores", "--json").stdout)
    assert list(data)[0] == "crisis" and data["crisis"] is not None


def test_no_crisis_for_item9_zero(kj) -> None:
    result = kj("survey", "phq9", "--answers", ZERO_ITEM9)
    assert result.exit_code == 0 and CRISIS_MARK not in result.output
    assert "PHQ-9: 8 of 27 (mild)" in result.output
    assert json.loads(kj("scores", "--json").stdout)["crisis"] is None


def test_interactive_prints_exact_wording_and_options(kj) -> None:
    typed = "\n".join(["0"] * 7 + [""]) + "\n"
    result = kj("survey", "gad7", input=typed)
    assert result.exit_code == 0, result.output
    assert "Feeling afraid, as if something awful might happen" in result.output
    assert "More than half the days" in result.output
    assert "GAD-7: 0 of 21 (minimal)" in result.output


def test_change_is_reported(kj) -> None:
    kj("survey", "phq9", "--answers", "2,2,2,2,2,2,2,2,0", "--at", "2024-05-01 09:00")
    result = kj("survey", "phq9", "--answers", ZERO_ITEM9, "--at", "2024-05-15 09:00")
    assert "Change since last time: -8 (improved" in result.output
    data = json.loads(kj("scores", "--instrument", "phq9", "--json").stdout)
    assert data["scores"][1]["change"]["delta"] == -8


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("1,1", "needs 9 or 10 comma-separated answers, got 2"),
        ("1,1,1,1,1,1,1,1,7", "item 9: answer 7 is not one of 0, 1, 2, 3"),
    ],
)
def test_bad_answers_one_line_error_nothing_saved(kj, answers: str, message: str) -> None:
    result = kj("survey", "phq9", "--answers", answers)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert json.loads(kj("scores", "--json").stdout)["scores"] == []


def test_unknown_instrument(kj) -> None:
    result = kj("survey", "isi", "--answers", "1")
    assert result.exit_code == 1 and "unknown instrument 'isi'" in result.output


def test_user_instrument_file(kj, tmp_path: Path) -> None:
    good = tmp_path / "mine.json"
    raw = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src/kratom_journal/data/instruments/gad7.json"
        ).read_text(encoding="utf-8")
    )
    raw["id"] = "mine"
    good.write_text(json.dumps(raw), encoding="utf-8")
    assert kj("survey", "--file", str(good), "--answers", "1,1,1,1,1,1,1").exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = kj("survey", "--file", str(bad), "--answers", "1")
    assert result.exit_code == 1 and "bad.json: format" in result.output


def test_survey_without_instrument_lists_them(kj) -> None:
    result = kj("survey")
    assert result.exit_code == 0 and "phq9" in result.output and "kud" in result.output


def _log_nights(kj, count: int) -> None:
    for i in range(count):
        day = f"2024-05-{i + 1:02d}"
        result = kj(*log_sleep_args(night=day))
        assert result.exit_code == 0, result.output


def test_sleep_stats_json_and_table(kj) -> None:
    _log_nights(kj, 3)
    data = json.loads(kj("sleep", "stats", "--weeks", "1", "--json").stdout)
    assert data["weeks"][0]["metrics"]["tst_min"]["mean"] == 432.0
    assert data["se_denominator"] == "time in bed"
    table = kj("sleep", "stats", "--weeks", "1")
    assert table.exit_code == 0 and "432.0" in table.output


def test_list_sleep_json_shows_metrics(kj) -> None:
    _log_nights(kj, 1)
    (night,) = json.loads(kj("list", "--kind", "sleep", "--json").stdout)
    assert night["sol_min"] == 18
    assert night["metrics"]["tst_min"] == 432.0 and night["metrics"]["se_pct"] == 82.3


def test_sleep_stats_bad_end(kj) -> None:
    result = kj("sleep", "stats", "--end", "May 1")
    assert result.exit_code == 1 and "--end" in result.output


def test_interactive_stopped_early_saves_nothing(kj) -> None:
    result = kj("survey", "gad7", input="1\n2\n")
    assert result.exit_code == 1 and "nothing saved" in result.output
    assert json.loads(kj("scores", "--json").stdout)["scores"] == []

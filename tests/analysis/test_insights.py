"""Observational insights: verdicts, minimum data, language and bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pytest

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.insights import Verdict, analyze, decide, snake_id
from kratom_journal.analysis.withdrawal import possible_withdrawal_nights

TableMaker = Callable[..., DayTable]

FIELDS = [
    "exposure",
    "outcome",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "n_days",
    "method",
    "verdict",
    "sentence",
]

BANNED = re.compile(
    r"\bcaus|\brecommend|\boptimal|\bshould (take|use|dose)|works for you|\bprescri|"
    r"\bbest (dose|strain|amount)|\btry (taking|a dose)",
    re.IGNORECASE,
)


def test_output_fields_are_exact_and_never_nan(table_maker: TableMaker) -> None:
    report = analyze(table_maker(n_days=150, seed=1))
    for result in report.results:
        record = result.as_dict()
        assert list(record) == FIELDS
        json.dumps(record, allow_nan=False)
        assert "nan" not in result.sentence.casefold()


def test_a_strong_association_is_found_and_worded_as_an_association(
    table_maker: TableMaker,
) -> None:
    # sol_min is in SD units here; -1.2 SD on kratom nights is "better" (lower latency).
    report = analyze(table_maker(n_days=150, seed=2, effect=-1.2), outcomes=["sol_min"])
    main = next(r for r in report.results if r.exposure == "evening_kratom")
    assert main.verdict is Verdict.ASSOCIATED_BETTER
    assert main.ci_low is not None and main.ci_high is not None
    assert main.ci_low < -1.2 < main.ci_high
    assert "associated with lower minutes to fall asleep" in main.sentence
    assert "not proof" in main.sentence


def test_sentences_never_claim_cause_or_give_advice(table_maker: TableMaker) -> None:
    for seed, effect in ((3, -1.0), (4, 1.0), (5, 0.0)):
        report = analyze(table_maker(n_days=150, seed=seed, effect=effect))
        for line in report.summary().splitlines():
            assert not BANNED.search(line), line


def test_too_little_data_says_how_many_more_days(table_maker: TableMaker) -> None:
    report = analyze(table_maker(n_days=20, seed=6))
    assert report.results
    for result in report.results:
        assert result.verdict is Verdict.INSUFFICIENT_DATA
        assert result.q_value is None and result.estimate is None
        assert "not enough data yet" in result.sentence
        assert "more day" in result.sentence or "never changed" in result.sentence
    assert report.n_tests == 0


def test_constant_exposure_is_explained(table_maker: TableMaker) -> None:
    table = table_maker(n_days=60, seed=7)
    cols = dict(table.columns)
    cols["evening_kratom"] = np.ones(table.n_days)
    report = analyze(DayTable(table.day, table.weekday, cols), outcomes=["sol_min"])
    first = next(r for r in report.results if r.exposure == "evening_kratom")
    assert first.verdict is Verdict.INSUFFICIENT_DATA
    assert "never changed" in first.sentence


def test_all_missing_outcome_is_a_clear_error(table_maker: TableMaker) -> None:
    table = table_maker(n_days=60, seed=8)
    cols = {
        k: v
        for k, v in table.columns.items()
        if k not in ("sol_min", "waso_min", "quality", "mood_next_day")
    }
    cols["sol_min"] = np.full(table.n_days, np.nan)
    with pytest.raises(AnalysisError, match="no outcome has been logged"):
        analyze(DayTable(table.day, table.weekday, cols))


def test_unknown_outcome_is_refused(table_maker: TableMaker) -> None:
    with pytest.raises(AnalysisError, match="unknown outcome 'sleepiness'"):
        analyze(table_maker(n_days=30), outcomes=["sleepiness"])


def test_withdrawal_nights_are_left_out_and_reported(table_maker: TableMaker) -> None:
    table = table_maker(n_days=150, seed=9, withdrawal_effect=-2.0)
    report = analyze(table, outcomes=["sol_min"])
    assert report.withdrawal.n_flagged > 0
    assert "withdrawal" in report.withdrawal.summary()
    flagged, other_free, _ = report.withdrawal.outcome_means["sol_min"]
    assert flagged is not None and other_free is not None and flagged < other_free
    main = next(r for r in report.results if r.exposure == "evening_kratom")
    flags = possible_withdrawal_nights(table.column("doses_per_day"))
    logged = np.isfinite(table.column("sol_min"))
    assert main.n_days <= int(np.sum(logged & ~flags))
    assert int(np.sum(logged & flags)) > 0


def test_mood_sleep_loop_is_reported(table_maker: TableMaker) -> None:
    report = analyze(table_maker(n_days=150, seed=10))
    loop = [r for r in report.results if r.family == "mood_sleep_loop"]
    assert {(r.exposure, r.outcome) for r in loop} == {
        ("sleep_quality_last_night", "mood_next_day"),
        ("mood_today", "quality"),
    }


@pytest.mark.parametrize(
    ("estimate", "low", "high", "q", "threshold", "higher_is_better", "expected"),
    [
        (-8.0, -12.0, -4.0, 0.01, 10.0, False, Verdict.ASSOCIATED_BETTER),
        (-8.0, -12.0, -4.0, 0.01, 10.0, True, Verdict.ASSOCIATED_WORSE),
        (1.0, -15.0, 17.0, 0.8, 10.0, False, Verdict.INCONCLUSIVE),
        (1.0, -3.0, 5.0, 0.6, 10.0, False, Verdict.NO_CLEAR_ASSOCIATION),
        (-8.0, -12.0, -4.0, 0.2, 10.0, False, Verdict.NO_CLEAR_ASSOCIATION),
    ],
)
def test_decide_known_cases(
    estimate: float,
    low: float,
    high: float,
    q: float,
    threshold: float,
    higher_is_better: bool,
    expected: Verdict,
) -> None:
    assert decide(estimate, low, high, q, threshold, higher_is_better) is expected


def test_snake_ids() -> None:
    assert snake_id("strain", "red-bali") == "strain_red_bali"
    assert snake_id("form", "7-oh") == "form_7_oh"

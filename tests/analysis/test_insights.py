"""Observational insights: verdicts, minimum data, language and bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pytest
from bench.independent_journals import World, simulate

from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.evidence import sceptical_posterior, three_zone
from kratom_journal.analysis.insights import Verdict, analyze, snake_id

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
    # -1.2 SD (18 min, SD 15 min) on kratom nights is "better" (lower latency). The primary
    # question compares them with nights of a break of 4 or more days: 200 days give enough.
    report = analyze(table_maker(n_days=200, seed=2, effect=-1.2), outcomes=["sol_min"])
    main = next(r for r in report.results if r.exposure == "sustained_use")
    assert main.primary and main.outcome == "sol_min"
    assert main.verdict is Verdict.ASSOCIATED_BETTER
    assert main.ci_low is not None and main.ci_high is not None
    assert main.ci_low < -18.0 < main.ci_high
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


def test_nights_after_a_skipped_dose_are_estimated_not_just_left_out(
    table_maker: TableMaker,
) -> None:
    # Use in runs of 2-5 days; the first 1-3 nights without kratom after a run are 1.5 SD
    # worse on every outcome: the withdrawal question must find it, and come first.
    del table_maker
    journal = simulate(
        World(n_days=120, runs_pattern=True, rebound_sd=1.5), np.random.default_rng(9)
    )
    report = analyze(journal.table)
    assert report.families[0].id == "withdrawal"
    findings = report.withdrawal_findings()
    assert findings and findings[0].verdict is Verdict.ASSOCIATED_WORSE
    assert "withdrawal" in findings[0].sentence
    assert report.withdrawal.n_flagged > 0 and "withdrawal" not in report.withdrawal.summary()
    onset = next(
        a
        for f in report.families
        if f.id == "sleep_onset"
        for a in f.exploratory
        if a.kind == "after_skipped_dose"
    )
    assert onset.estimate is not None and onset.estimate > 0  # longer to fall asleep
    flagged, other_free, _ = report.withdrawal.outcome_means["sol_min"]
    assert flagged is not None and other_free is not None


def test_unlogged_days_are_not_days_without_kratom(table_maker: TableMaker) -> None:
    table = table_maker(n_days=120, seed=12)
    cols = dict(table.columns)
    logged = np.ones(table.n_days)
    logged[40:60] = 0.0
    cols["logged"] = logged
    for name in ("evening_kratom", "doses_per_day", "caffeine_after_14", "alcohol"):
        cols[name] = np.where(logged > 0, cols[name], np.nan)
    report = analyze(DayTable(table.day, table.weekday, cols))
    onset = next(f for f in report.families if f.id == "sleep_onset").sustained
    assert onset is not None
    total = sum(onset.counts.values())
    assert total <= int(np.sum(np.isfinite(cols["sol_min"]) & (logged > 0)))


def test_the_family_does_not_change_with_the_outcome_filter(table_maker: TableMaker) -> None:
    table = table_maker(n_days=150, seed=3, effect=-1.0)
    everything = analyze(table)
    only = analyze(table, outcomes=["sol_min"])
    full = {(r.exposure, r.outcome): r for r in everything.results}
    for row in only.results:
        assert full[(row.exposure, row.outcome)].sentence == row.sentence
        assert full[(row.exposure, row.outcome)].q_value == row.q_value


def test_mood_sleep_loop_is_reported(table_maker: TableMaker) -> None:
    report = analyze(table_maker(n_days=150, seed=10))
    loop = [r for r in report.results if r.family == "mood_sleep_loop"]
    assert {(r.exposure, r.outcome) for r in loop} == {
        ("sleep_quality_last_night", "mood_next_day"),
        ("mood_today", "quality"),
    }


@pytest.mark.parametrize(
    ("estimate", "se", "threshold", "higher_is_better", "expected"),
    [
        # The whole interval inside the meaningful band: no meaningful difference.
        (1.0, 2.0, 10.0, False, Verdict.NO_MEANINGFUL_DIFFERENCE),
        # Clear and large enough: associated (the direction from "better is").
        (-22.0, 4.0, 10.0, False, Verdict.ASSOCIATED_BETTER),
        (-22.0, 4.0, 10.0, True, Verdict.ASSOCIATED_WORSE),
        # Excludes zero but smaller than the meaningful change: not clear yet (a 3-minute
        # difference in a long journal is not "associated").
        (-8.0, 2.0, 10.0, False, Verdict.NOT_CLEAR_YET),
        (-3.0, 0.5, 10.0, False, Verdict.NO_MEANINGFUL_DIFFERENCE),
        # Reaches a meaningful change on one side only: not clear yet, never "no difference".
        (1.0, 8.0, 10.0, False, Verdict.NOT_CLEAR_YET),
    ],
)
def test_three_zone_known_cases(
    estimate: float, se: float, threshold: float, higher_is_better: bool, expected: Verdict
) -> None:
    posterior = sceptical_posterior(estimate, se, 60.0, threshold)
    low, high = estimate - 2.0 * se, estimate + 2.0 * se
    assert three_zone(low, high, posterior, higher_is_better) is expected


def test_snake_ids() -> None:
    assert snake_id("strain", "red-bali") == "strain_red_bali"
    assert snake_id("form", "7-oh") == "form_7_oh"

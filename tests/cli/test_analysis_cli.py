"""``kj analyze`` and ``kj experiment``: output, and one clear line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from kratom_journal.store.journal import Journal, bulk_add, new_id
from tests.services.journal_builders import FIRST, diary, evening_dose, fill

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


def assert_one_clean_error(result, text: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert text in result.output
    assert "nan" not in result.output.casefold().replace("nan ", "")


def test_analyze_on_an_empty_journal(kj) -> None:  # type: ignore[no-untyped-def]
    assert_one_clean_error(kj("analyze"), "no outcome has been logged yet")


def test_analyze_unknown_outcome(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 20)
    assert_one_clean_error(kj("analyze", "--outcome", "sleepiness"), "unknown outcome")


def test_analyze_json_fields(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 80, seed=4, sol_effect=-10.0)
    result = kj("analyze", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["results"]
    for record in payload["results"]:
        assert list(record) == FIELDS
    assert "NaN" not in result.output
    # The first record is the pre-declared withdrawal question; the evening-kratom comparison
    # is still there, as an exploratory one among nights on days with kratom.
    first = payload["results"][0]
    assert first["exposure"] == "after_skipped_dose" and first["method"] == "ar1_huber_reml_kr"
    assert first["outcome"] == "sleep_and_mood_index"
    assert any(r["exposure"] == "evening_kratom" for r in payload["results"])
    families = {f["family"]: f for f in payload["families"]}
    assert families["sleep_onset"]["primary"]["exposure"] == "sustained_use"


def test_analyze_text_with_too_little_data(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 12, seed=5)
    result = kj("analyze", "--outcome", "sol_min")
    assert result.exit_code == 0, result.output
    assert "Not enough data yet" in result.output
    assert "more day" in result.output
    assert "nan" not in result.output.casefold()


def test_analyze_constant_exposure(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 40, seed=6, kratom_share=1.0)
    result = kj("analyze", "--outcome", "sol_min")
    assert result.exit_code == 0
    assert "never changed" in result.output


def test_experiment_flow(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    start = FIRST.isoformat()
    refused = kj(
        "experiment",
        "plan",
        "--a",
        "red",
        "--b",
        "green",
        "--design",
        "block",
        "--block-days",
        "3",
        "--washout",
        "1",
        "--pairs",
        "4",
        "--start",
        start,
    )
    assert_one_clean_error(refused, "add 2 more pair")
    planned = kj(
        "experiment",
        "plan",
        "--a",
        "red",
        "--b",
        "green",
        "--comparison",
        "strain_a_vs_b",
        "--design",
        "block",
        "--block-days",
        "3",
        "--washout",
        "1",
        "--pairs",
        "6",
        "--start",
        start,
    )
    assert planned.exit_code == 0, planned.output
    started = kj("experiment", "start", "--seed", "3")
    assert started.exit_code == 0 and "SHA-256" in started.output
    today = kj("experiment", "today", "--date", start)
    assert today.exit_code == 0 and "washout" in today.output
    assert_one_clean_error(kj("experiment", "result"), "no night of the experiment")
    assert kj("experiment", "log", "--followed", "--date", start).exit_code == 0
    status = kj("experiment", "status")
    assert status.exit_code == 0 and "followed on 1" in status.output

    from kratom_journal.services.experiments import current_experiment

    schedule = current_experiment(journal).schedule
    assert schedule is not None
    items = [diary(d.day, 20 if d.condition == "A" else 30) for d in schedule.days]
    items += [evening_dose(d.day) for d in schedule.days]
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in items], source="test")
    result = kj("experiment", "result")
    assert result.exit_code == 0, result.output
    assert "randomization p = 0.031" in result.output and "CENT" in result.output
    as_json = kj("experiment", "result", "--json")
    assert json.loads(as_json.output)["randomization_p"] == 2 / 64
    assert kj("experiment", "stop", "--reason", "done").exit_code == 0
    assert_one_clean_error(kj("experiment", "stop"), "no open experiment")


def test_experiment_today_without_experiment(kj) -> None:  # type: ignore[no-untyped-def]
    assert_one_clean_error(kj("experiment", "today"), "no experiment yet")


def test_experiment_plan_bad_outcome(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj("experiment", "plan", "--a", "x", "--b", "y", "--pairs", "8", "--outcome", "zzz")
    assert_one_clean_error(result, "unknown outcome 'zzz'")


def test_withdrawal_warning_in_the_plan(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 28, seed=7, kratom_share=1.0)
    later = (FIRST + timedelta(days=40)).isoformat()
    plan = ("experiment", "plan", "--a", "usual kratom", "--b", "none")
    plan += ("--comparison", "kratom_vs_none", "--start", later)
    # Day-by-day alternation of kratom and none is refused: every "none" night would follow
    # a dose (possible withdrawal).
    assert_one_clean_error(kj(*plan, "--pairs", "8"), "cannot alternate day by day")
    assert_one_clean_error(
        kj(*plan, "--design", "block", "--block-days", "7", "--washout", "1", "--pairs", "4"),
        "at least 3 washout days",
    )
    result = kj(*plan, "--design", "block", "--block-days", "7", "--washout", "3", "--pairs", "4")
    assert result.exit_code == 0, result.output
    assert "withdrawal" in result.output and "clinician" in result.output


def test_statistics_libraries_load_only_in_analysis_commands() -> None:
    code = (
        "import sys, kratom_journal.cli.app; "
        "print(sorted(m for m in ('numpy', 'scipy', 'statsmodels') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_analyze_outcome_never_logged(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    fill(journal, 40, seed=8, with_diary=False)
    assert_one_clean_error(
        kj("analyze", "--outcome", "sol_min"), "no values logged yet for sol_min"
    )

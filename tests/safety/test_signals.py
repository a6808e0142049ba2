"""Dependence and withdrawal signals on constructed journals.

What is tested: known answers for the OLS slope (worked numbers), the Newey-West
interval against an independent numpy computation, a journal whose doses/day
rise from 1 to 3 over 8 weeks (rising, interval above zero) and a stable one (no
clear trend), runs, frequency, 7-OH, SOWS and self-check inputs, the actions
(helpline, withdrawal caution) and the absence of directive language.
What is NOT tested: the questionnaires themselves (scored elsewhere).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kratom_journal.domain.entries import Dose, Form, SideEffect, Symptom, Unit
from kratom_journal.safety.signals import (
    build_report,
    current_run,
    daily_grams,
    longest_run,
    report_lines,
)
from kratom_journal.safety.trend import Direction, linear_trend, newey_west_lag

TODAY = date(2026, 3, 1)


def _doses(
    per_day: list[int], end: date = TODAY, grams: float = 2.0, form: Form | None = None
) -> list[Dose]:
    start = end - timedelta(days=len(per_day) - 1)
    out = []
    for i, count in enumerate(per_day):
        day = start + timedelta(days=i)
        for k in range(count):
            at = datetime(day.year, day.month, day.day, 8 + 4 * k, tzinfo=UTC)
            out.append(Dose(taken_at=at, amount=grams, unit=Unit.G, form=form))
    return out


def rising_1_to_3_over_8_weeks() -> list[int]:
    # 56 days: weeks 1-2 once a day, weeks 3-5 twice, weeks 6-8 three times.
    return [1] * 14 + [2] * 21 + [3] * 21


def test_slope_worked_example() -> None:
    # 14 days, y = 1 on days 0-6 and 3 on days 7-13. Mean t = 6.5, mean y = 2.
    # sum((t-6.5)^2) = 14 * (14^2 - 1) / 12 = 227.5; sum((t-6.5)(y-2)) = 24.5 + 24.5 = 49.
    # slope = 49 / 227.5 = 0.21538 per day = 1.50769 per week.
    est = linear_trend([1.0] * 7 + [3.0] * 7)
    assert est.slope_per_week == pytest.approx(7 * 49 / 227.5)
    assert est.slope_per_week == pytest.approx(1.50769, abs=1e-5)
    assert est.n_days == 14 and est.max_lag == 2


def test_newey_west_matches_statsmodels() -> None:
    """Reference computation: statsmodels OLS with HAC covariance (same lag, correction)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    y = np.cumsum(rng.normal(0, 0.3, 28)) + np.arange(28) * 0.05
    est = linear_trend(list(y))
    lag = newey_west_lag(28)
    fit = sm.OLS(y, sm.add_constant(np.arange(28.0))).fit(
        cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": True}
    )
    half = stats.t.ppf(0.975, 26) * fit.bse[1]
    assert est.slope_per_week == pytest.approx(7 * fit.params[1])
    assert est.ci_low == pytest.approx(7 * (fit.params[1] - half))
    assert est.ci_high == pytest.approx(7 * (fit.params[1] + half))
    assert lag == 3


def test_rising_journal_has_rising_trend_excluding_zero() -> None:
    report = build_report(_doses(rising_1_to_3_over_8_weeks()), TODAY)
    trend = report.signals[2].values["trend"]
    assert trend["direction"] == Direction.RISING.value
    assert trend["ci_low"] > 0
    grams = report.signals[3].values["trend"]
    assert grams["direction"] == "rising" and grams["ci_low"] > 0


def test_stable_journal_has_no_clear_trend() -> None:
    pattern = [2, 3, 2, 2, 3, 2, 3] * 8  # same weekly pattern for 8 weeks
    report = build_report(_doses(pattern), TODAY)
    trend = report.signals[2].values["trend"]
    assert trend["direction"] == "no clear trend"
    assert trend["ci_low"] <= 0 <= trend["ci_high"]


def test_constant_journal_is_unchanged() -> None:
    report = build_report(_doses([2] * 56), TODAY)
    assert report.signals[2].values["trend"]["direction"] == "unchanged"


def test_too_little_data_says_how_many_more_days() -> None:
    report = build_report(_doses([1] * 10), TODAY)
    assert "4 more days needed" in report.signals[2].observed


def test_frequency_and_runs() -> None:
    per_day = [1, 1, 0, 1, 1, 1, 0] * 4  # 20 dosing days of 28
    report = build_report(_doses(per_day), TODAY)
    freq = report.signals[0].values
    assert freq["dosing_days"] == 20 and freq["days_per_week"] == pytest.approx(5.0)
    run = report.signals[1].values
    assert run == {"longest": 3, "current": 3}  # no dose today, but a run up to yesterday


def test_run_helpers() -> None:
    days = [date(2026, 1, d) for d in (1, 2, 3, 5, 6)]
    assert longest_run(days) == 3
    assert current_run(days, date(2026, 1, 6)) == 2
    assert current_run(days, date(2026, 1, 7)) == 2  # yesterday still counts
    assert current_run(days, date(2026, 1, 9)) == 0


def test_unknown_grams_are_missing_not_zero() -> None:
    capsule = Dose(taken_at=datetime(2026, 3, 1, 9, tzinfo=UTC), amount=2, unit=Unit.CAPSULE)
    series = daily_grams([capsule], TODAY - timedelta(days=1), TODAY)
    assert series[0] == 0.0 and math.isnan(series[1])


def test_seven_oh_signal() -> None:
    doses = _doses([1] * 5, form=Form.SEVEN_OH)
    signal = build_report(doses, TODAY).signals[4]
    assert signal.values["uses_28d"] == 5 and signal.level.value == "notice"


def test_sows_and_self_check_inputs() -> None:
    sows = [(date(2026, 2, 1), 10.0), (date(2026, 2, 8), 14.0), (date(2026, 2, 15), 18.0)]
    report = build_report([], TODAY, sows=sows, self_checks=[(date(2026, 2, 20), 4)])
    withdrawal, check = report.signals[5], report.signals[6]
    assert "Latest SOWS score 18 of 64" in withdrawal.observed
    assert withdrawal.values["trend_per_week"][0] == pytest.approx(4.0)
    assert "4 of 11" in check.observed and "not a diagnosis" in check.observed


def test_side_effect_trend() -> None:
    start = TODAY - timedelta(days=27)
    effects = [
        SideEffect(
            at=datetime.combine(start + timedelta(days=i), datetime.min.time(), UTC)
            + timedelta(hours=12),
            symptom=Symptom.CONSTIPATION,
            severity=1 + i // 10,
        )
        for i in range(28)
    ]
    signal = build_report([], TODAY, side_effects=effects).signals[7]
    assert signal.values["trend"]["direction"] == "rising"


def test_actions_name_helpline_and_withdrawal_caution() -> None:
    report = build_report([], TODAY, country="US")
    text = " ".join(report.actions)
    assert "1-800-662-4357" in text
    assert "clinician or pharmacist" in text
    assert "stopping suddenly after regular use can cause withdrawal" in text
    assert build_report([], TODAY, country="FR").helpline is None
    assert "kj config set country" in " ".join(build_report([], TODAY).actions)


def test_no_directive_or_diagnostic_language() -> None:
    report = build_report(
        _doses(rising_1_to_3_over_8_weeks(), form=Form.SEVEN_OH),
        TODAY,
        sows=[(TODAY, 30.0)],
        self_checks=[(TODAY, 7)],
        country="US",
    )
    text = "\n".join(report_lines(report)).lower()
    for banned in (
        "stop now",
        "stop taking",
        "you have a",
        "you are addicted",
        "diagnosed",
        "recommended dose",
        "you should take",
        "reduce to",
    ):
        assert banned not in text


def test_other_substances_are_ignored() -> None:
    coffee = Dose(
        taken_at=datetime(2026, 3, 1, 9, tzinfo=UTC), amount=1, unit=Unit.CUP, substance="caffeine"
    )
    assert build_report([coffee], TODAY).signals[0].values["dosing_days"] == 0


@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=60))
@settings(max_examples=40, deadline=None)
def test_signal_values_stay_in_range(per_day: list[int]) -> None:
    report = build_report(_doses(per_day), TODAY)
    freq, run = report.signals[0].values, report.signals[1].values
    assert 0 <= freq["days_per_week"] <= 7
    assert 0 <= freq["dosing_days"] <= min(len(per_day), 28)
    assert run["current"] <= run["longest"] <= len(per_day)
    trend = report.signals[2].values["trend"]
    if trend is not None:
        assert trend["ci_low"] <= trend["slope_per_week"] <= trend["ci_high"]

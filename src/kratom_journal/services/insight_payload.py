"""The insight report as plain JSON-ready data: ``kj analyze --json``, the report, the API.

The first three keys (``results``, ``n_tests``, ``withdrawal_nights``) keep their earlier
field names; the rest is documented in ``docs/analysis.md``.
"""

from __future__ import annotations

from typing import Any

from kratom_journal.analysis.answers import Answer, FamilyReport, clean
from kratom_journal.analysis.dependence import MAX_WINDOW
from kratom_journal.analysis.evidence import POSTERIOR_LEVEL, PRIOR_SD_IN_MEANINGFUL
from kratom_journal.analysis.insights import METHOD_NAME, InsightReport


def _date(report: InsightReport, day: int) -> str:
    dates = report.dates
    if dates is not None and 0 <= day < len(dates):
        return dates[day].isoformat()
    return str(day)


def answer_payload(answer: Answer, report: InsightReport) -> dict[str, Any]:
    """One answer with every number a reader may need (missing numbers are ``None``)."""
    posterior = answer.posterior
    shrunk = answer.shrunk
    return {
        "family": answer.family,
        "kind": answer.kind,
        "exposure": answer.exposure,
        "outcome": answer.outcome,
        "primary": answer.primary,
        "estimate": clean(answer.estimate),
        "ci_low": clean(answer.ci_low),
        "ci_high": clean(answer.ci_high),
        "std_error": clean(answer.std_error),
        "df": clean(answer.df),
        "p_value": clean(answer.p_value),
        "scale": clean(answer.scale),
        "meaningful_change": clean(answer.meaningful),
        "verdict": answer.verdict.value,
        "sentence": answer.sentence,
        "note": answer.note,
        "reason": answer.reason,
        "days_needed": answer.days_needed,
        "n_days": answer.n_days,
        "nights": dict(answer.counts),
        "window": answer.window,
        "windows_scanned": answer.windows_scanned,
        "posterior": None
        if posterior is None
        else {
            "mean": clean(posterior.mean),
            "sd": clean(posterior.sd),
            "prob_above_zero": clean(posterior.prob_positive),
            "prob_inside_band": clean(posterior.prob_inside),
        },
        "shrunk": None
        if shrunk is None
        else {"mean": clean(shrunk.mean), "low": clean(shrunk.low), "high": clean(shrunk.high)},
        "unusual_nights": [
            {"date": _date(report, n.day), "value": clean(n.value)} for n in answer.unusual
        ],
        "drives": answer.drives(),
        "ordinary_estimate": clean(answer.ordinary_estimate),
    }


def family_payload(family: FamilyReport, report: InsightReport) -> dict[str, Any]:
    """A family: its primary answers and its exploratory ones."""
    primary = family.sustained or family.rebound
    return {
        "family": family.id,
        "label": family.label,
        "question": family.question,
        "outcome": family.outcome,
        "primary": None if primary is None else answer_payload(primary, report),
        "exploratory": [answer_payload(a, report) for a in family.exploratory],
    }


def report_payload(report: InsightReport) -> dict[str, Any]:
    """Everything ``kj analyze --json`` prints."""
    withdrawal = report.withdrawal
    findings = report.withdrawal_findings()
    return {
        "results": [r.as_dict() for r in report.results],
        "n_tests": report.n_tests,
        "withdrawal_nights": {
            "regular_user": withdrawal.regular_user,
            "n_flagged": withdrawal.n_flagged,
            "summary": withdrawal.summary(),
            "outcome_means": {
                outcome: {"withdrawal_nights": f, "other_kratom_free_nights": o, "kratom_nights": k}
                for outcome, (f, o, k) in withdrawal.outcome_means.items()
            },
        },
        "families": [family_payload(f, report) for f in report.families],
        "withdrawal_finding": answer_payload(findings[0], report) if findings else None,
        "logging": {
            "days": report.logging.days,
            "logged_days": report.logging.logged,
            "unlogged_days": report.logging.unlogged,
            "summary": report.logging.summary(),
        },
        "method": {
            "estimator": METHOD_NAME,
            "prior_sd_in_meaningful_changes": PRIOR_SD_IN_MEANINGFUL,
            "posterior_level": POSTERIOR_LEVEL,
            "rebound_windows": list(range(1, MAX_WINDOW + 1)),
            "break_starts_after_days": MAX_WINDOW,
        },
    }

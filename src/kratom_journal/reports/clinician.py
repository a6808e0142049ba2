"""The clinician report: everything a clinician reads in a minute, for one period.

:func:`build_report` reads the journal through :mod:`kratom_journal.services.report`
and arranges it into sections; a template renders the result and adds nothing.
The crisis section, when any answer in the period called for crisis resources,
always comes first.
"""

from __future__ import annotations

from datetime import datetime

from kratom_journal.reports.kratom_section import kratom_section
from kratom_journal.reports.medication_section import (
    NOT_INCLUDED,
    analysis_section,
    medication_section,
)
from kratom_journal.reports.model import AnalysisSection, ClinicianReport
from kratom_journal.reports.questionnaire_section import crisis_section, questionnaire_series
from kratom_journal.reports.sleep_section import sleep_section
from kratom_journal.services.report import Period, ReportData, gather
from kratom_journal.store.journal import Journal


def build_report(
    journal: Journal, period: Period, now: datetime | None = None, with_analysis: bool = True
) -> ClinicianReport:
    """Every section of the clinician report for ``period``.

    ``with_analysis=False`` leaves out the person's analyses and self-experiments
    (their choice; the section then says so).
    """
    return compose(gather(journal, period, now, with_analysis), with_analysis)


def compose(data: ReportData, with_analysis: bool = True) -> ClinicianReport:
    """The report's sections from what was read for its period."""
    in_period = data.doses_in_period
    return ClinicianReport(
        period=data.period,
        generated_at=data.generated_at,
        zone=data.zone,
        person=data.person,
        nights_logged=data.nights_logged,
        sources=sources(data),
        crisis=crisis_section(data.crisis_answers, data.crisis_notice),
        sleep=sleep_section(data.nights, data.doses, data.period, data.device_tst),
        questionnaires=questionnaire_series(data.administrations),
        kratom=kratom_section(
            in_period,
            data.side_effects,
            data.moods,
            data.period,
            data.safety,
            data.sows,
            data.self_checks,
        ),
        medications=medication_section(data.medicines, in_period),
        analysis=analysis_section(data.insights, data.experiment)
        if with_analysis
        else AnalysisSection(None, None, NOT_INCLUDED),
    )


def sources(data: ReportData) -> list[str]:
    """Where the period's sleep data come from."""
    found = ["sleep diary (Consensus Sleep Diary, self-report)"] if data.nights_logged else []
    found.extend(
        f"{name}: wearable, {count} nights" for name, count in sorted(data.wearable_nights.items())
    )
    return found or ["no sleep data in this period"]

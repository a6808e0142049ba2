"""The report's medication and analysis sections.

Medications: the medicines the person declared and those logged as doses, each
through the interaction checker. Analyses: the clearest associations of the
person's insights (never called causes) and the randomized self-experiments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kratom_journal.analysis.experiments import ExperimentResult
from kratom_journal.reports.model import AnalysisSection, MedicationSection
from kratom_journal.safety.interactions import check as check_interactions
from kratom_journal.safety.interactions import normalize_drug_name, substance_to_check
from kratom_journal.services.report import DoseFact
from kratom_journal.services.safety import DeclaredMedicine

MAX_INSIGHTS = 4
"""At most this many clear associations in the report, strongest evidence first."""
MAX_UNCLEAR = 2
"""Without a clear association, this many of the other results are shown as examples."""
NOT_INCLUDED = "The person chose not to include their analyses in this report."

_VERDICT_ORDER = {
    "associated_worse": 0,
    "associated_better": 1,
    "inconclusive": 2,
    "not_clear_yet": 2,
    "no_clear_association": 3,
    "no_meaningful_difference": 3,
    "insufficient_data": 4,
}


def medication_section(
    medicines: Sequence[DeclaredMedicine], doses: Sequence[DoseFact]
) -> MedicationSection:
    """Declared and logged medicines, and the interaction warnings among them."""
    logged = Counter(
        d.substance.split(":", 1)[1] for d in doses if d.substance.startswith("medication:")
    )
    declared = [{"name": m.name, "daily": m.daily, "since": m.added_at.date()} for m in medicines]
    warnings = []
    for origin, result in _interaction_checks(declared, doses):
        if not result.listed:
            continue
        warnings.append(
            {
                "name": result.query,
                "origin": origin,
                "severity": result.severity.value if result.severity else "",
                "summary": "; ".join(c.name for c in result.classes),
                "as_of": min(c.as_of for c in result.classes).isoformat(),
            }
        )
    return MedicationSection(declared, logged.most_common(), warnings)


def _interaction_checks(
    declared: list[dict[str, Any]], doses: Sequence[DoseFact]
) -> list[tuple[str, Any]]:
    """The interaction checker on declared medicines and on substances logged in the period."""
    checks: list[tuple[str, Any]] = []
    seen = set()
    for medicine in declared:
        seen.add(normalize_drug_name(medicine["name"]))
        origin = "declared (daily)" if medicine["daily"] else "declared"
        checks.append((origin, check_interactions(medicine["name"])))
    counts: Counter[str] = Counter()
    for dose in doses:
        name = substance_to_check(dose.substance)
        if name is not None:
            counts[name] += 1
    for name, count in sorted(counts.items()):
        if normalize_drug_name(name) not in seen:
            times = "once" if count == 1 else f"{count} times"
            checks.append((f"logged {times} in the period", check_interactions(name)))
    return checks


def analysis_section(
    insights: dict[str, Any] | None, experiment: ExperimentResult | None
) -> AnalysisSection:
    """The clearest insights (as cached for the journal's data) and the experiment's result."""
    notes = []
    shown = None
    if insights is not None and "error" in insights:
        notes.append(f"No analysis yet: {insights['error']}")
    elif insights is not None:
        rows = list(insights["results"])
        rows.sort(
            key=lambda r: (
                _VERDICT_ORDER.get(str(r["verdict"]), 5),
                r["q_value"] if r["q_value"] is not None else 1.0,
            )
        )
        clear = [r for r in rows if str(r["verdict"]).startswith("associated")]
        shown = clear[:MAX_INSIGHTS] if clear else rows[:MAX_UNCLEAR]
        verdicts = Counter(str(r["verdict"]).replace("_", " ") for r in rows)
        listed = ", ".join(f"{n} {name}" for name, n in verdicts.most_common())
        notes.append(
            f"{len(shown)} of {len(rows)} results shown ({listed}; {insights['n_tests']} "
            "tests adjusted together); clear associations first."
        )
    experiments = None
    if experiment is not None:
        experiments = [{"title": experiment.plan.summary(), "result": experiment.summary()}]
    return AnalysisSection(shown, experiments, " ".join(notes) or None)

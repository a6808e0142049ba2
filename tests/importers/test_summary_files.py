"""Summary-CSV importers (Sleep Cycle, Withings, Pillow) name what an export lacks.

What is tested: an export folder holding none of the vendor's CSV files is refused with
the vendor's own message and the export's name, before anything is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kratom_journal.importers import pillow, sleep_cycle, withings
from kratom_journal.importers.safe_input import InputRejected


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (sleep_cycle, "no Sleep Cycle sleepdata.csv found"),
        (withings, "no Withings sleep.csv found"),
        (pillow, "no Pillow CSV found"),
    ],
)
def test_an_export_without_the_vendors_csv_is_refused(
    tmp_path: Path, module: object, message: str
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "notes.csv").write_text("Day,Note\n2026-10-01,fine\n", encoding="utf-8")
    with pytest.raises(InputRejected, match=message) as refused:
        list(module.parse(export))  # type: ignore[attr-defined]
    assert "export" in str(refused.value)

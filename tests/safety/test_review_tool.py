"""tools/legal_review.py: rows by confidence and age, and the docs' low-confidence table.

What is tested: the listing puts low-confidence rows first and, within a level, the
oldest first; ``--stale`` keeps only rows older than six months on ``--today``;
docs/safety.md lists exactly the rows still marked low confidence (regenerate with
``--low-markdown``). What is NOT tested: the review itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kratom_journal.safety import data

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "legal_review.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_rows_are_listed_low_confidence_first_then_oldest() -> None:
    out = _run("--today", "2026-12-02")
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines()[1:]]
    assert len(rows) == len(data.legal().entries)
    rank = {"low": 0, "medium": 1, "high": 2}
    keys = [(rank[r[2]], r[3]) for r in rows]
    assert keys == sorted(keys)


def test_stale_keeps_only_rows_older_than_six_months() -> None:
    out = _run("--today", "2026-12-02", "--stale", "--crisis", "--interactions")
    rows = [line.split() for line in out.stdout.splitlines()[1:]]
    assert rows and all(r[5] == "yes" for r in rows)
    assert "US-AL" in {r[1] for r in rows} and "US" not in {r[1] for r in rows}


def test_docs_list_the_rows_still_marked_low_confidence() -> None:
    out = _run("--check-docs")
    assert out.returncode == 0, out.stdout
    docs = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    for entry in data.legal().entries:
        if entry.confidence.value == "low":
            assert f"| `{entry.code}` |" in docs, entry.code

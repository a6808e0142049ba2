"""List the shipped safety facts by confidence and age, for the next review.

    .venv/bin/python tools/legal_review.py                 # legal rows, low confidence first
    .venv/bin/python tools/legal_review.py --stale         # only rows older than six months
    .venv/bin/python tools/legal_review.py --crisis --interactions   # the other tables too
    .venv/bin/python tools/legal_review.py --low-markdown  # the table of docs/safety.md
    .venv/bin/python tools/legal_review.py --check-docs    # exit 1 when that table is stale

Rows are sorted by confidence (low first), then by age (oldest first). A row's
age is counted from its ``as_of`` date to ``--today`` (default: this machine's
date). Nothing is written: the review itself edits ``src/kratom_journal/data``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kratom_journal.safety import data
from kratom_journal.safety.crisis import crisis_data
from kratom_journal.safety.freshness import is_stale, months_between

ROOT = Path(__file__).resolve().parents[1]
SAFETY_DOCS = ROOT / "docs" / "safety.md"
BEGIN = "<!-- low-confidence rows: begin (tools/legal_review.py --low-markdown) -->"
END = "<!-- low-confidence rows: end -->"
_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Row:
    """One fact to review: which table, its key, what it says, and how old and sure it is."""

    table: str
    key: str
    summary: str
    as_of: date
    confidence: str
    primary: int
    sources: int
    pending: int = 0


def legal_rows() -> list[Row]:
    return [
        Row(
            "legal",
            e.code,
            f"{e.name}: {e.status.value}",
            e.as_of,
            e.confidence.value,
            sum(s.primary for s in e.sources),
            len(e.sources),
            len(e.pending),
        )
        for e in data.legal().entries
    ]


def interaction_rows() -> list[Row]:
    return [
        Row("interactions", c.id, c.severity.value, c.as_of, c.confidence.value, 0, len(c.sources))
        for c in data.interactions().classes
    ]


def crisis_rows() -> list[Row]:
    # A crisis line has no confidence field: a secondary source is marked in its own note.
    return [
        Row(
            "crisis",
            line.id,
            f"{','.join(line.countries)}: {line.name}",
            line.last_verified,
            "low" if "secondary" in f"{line.source} {line.note or ''}".lower() else "medium",
            0,
            1,
        )
        for line in crisis_data().lines
    ]


def ordered(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (_RANK[r.confidence], r.as_of, r.table, r.key))


def table(rows: list[Row], today: date) -> str:
    lines = [
        f"{'table':<12} {'key':<26} {'conf':<6} {'as of':<10} {'months':>6} {'stale':<5} "
        f"{'primary/src':<11} {'pending':>7}  summary"
    ]
    for r in rows:
        lines.append(
            f"{r.table:<12} {r.key:<26} {r.confidence:<6} {r.as_of.isoformat():<10} "
            f"{months_between(r.as_of, today):>6} {'yes' if is_stale(r.as_of, today) else '':<5} "
            f"{f'{r.primary}/{r.sources}':<11} {r.pending:>7}  {r.summary}"
        )
    return "\n".join(lines)


def low_markdown() -> str:
    """The docs table: every legal row still marked low confidence, oldest first."""
    rows = [r for r in ordered(legal_rows()) if r.confidence == "low"]
    out = [
        f"{len(rows)} of {len(legal_rows())} legal rows are marked low confidence:",
        "",
        "| code | row | as of | primary / sources |",
        "|---|---|---|---|",
    ]
    out += [f"| `{r.key}` | {r.summary} | {r.as_of} | {r.primary} / {r.sources} |" for r in rows]
    return "\n".join(out)


def docs_section() -> str | None:
    text = SAFETY_DOCS.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    today = datetime.now(UTC).astimezone().date()  # this machine's date
    parser.add_argument("--today", type=date.fromisoformat, default=today)
    parser.add_argument("--stale", action="store_true", help="only rows older than six months")
    parser.add_argument("--low", action="store_true", help="only rows marked low confidence")
    parser.add_argument("--interactions", action="store_true", help="include interaction classes")
    parser.add_argument("--crisis", action="store_true", help="include crisis lines")
    parser.add_argument("--low-markdown", action="store_true", help="print the docs table")
    parser.add_argument("--check-docs", action="store_true", help="compare with docs/safety.md")
    args = parser.parse_args(argv)
    if args.low_markdown:
        print(low_markdown())
        return 0
    if args.check_docs:
        if docs_section() == low_markdown():
            return 0
        print("docs/safety.md: the low-confidence table is out of date; paste the output of")
        print("  .venv/bin/python tools/legal_review.py --low-markdown")
        print(f"between the markers {BEGIN!r} and {END!r}.")
        return 1
    rows = legal_rows()
    rows += interaction_rows() if args.interactions else []
    rows += crisis_rows() if args.crisis else []
    if args.stale:
        rows = [r for r in rows if is_stale(r.as_of, args.today)]
    if args.low:
        rows = [r for r in rows if r.confidence == "low"]
    print(table(ordered(rows), args.today))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What an import did, and the error of one that did nothing: one type for every source.

The journal's own formats (CSV, JSON) count entries; wearable exports count raw
samples and the nights derived from them. Both faces show :meth:`ImportSummary.line`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from kratom_journal.domain.errors import JournalError

JOURNAL_SOURCES = ("csv", "json")
MAX_PLACES = 3
"""Places remembered per skip reason."""
"""Sources that are the journal's own formats; every other source is a wearable export."""


class ImportFailed(JournalError):
    """An import wrote nothing; ``problems`` lists each bad row as ``file:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "import failed")
        self.problems = problems


@dataclass(slots=True)
class ImportSummary:
    """What an import did, for the one-line summary and ``--json`` output.

    ``added``, ``updated`` and ``unchanged`` count entries (journal formats) or raw
    samples (wearables: a sample already stored is ``unchanged``). The ``nights_*``
    counts are of derived wearable nights (``updated`` samples are ones read again
    in another time zone). ``skipped_reasons`` maps each reason a record was
    skipped for to how many were, and ``skipped_where`` to the first places
    (``export.xml line 103610``) it happened.

    >>> summary = ImportSummary("csv", "doses.csv", added=2)
    >>> summary.skip("doses.csv:3: amount: expected a number")
    >>> summary.line()
    '2 added, 0 updated, 0 unchanged, 1 bad rows skipped'
    >>> summary.skipped
    ['doses.csv:3: amount: expected a number']
    """

    source: str
    file: str = ""
    records_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    nights_added: int = 0
    nights_updated: int = 0
    nights_unchanged: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    skipped_where: dict[str, list[str]] = field(default_factory=dict)
    warnings: int = 0
    already_imported: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    zone: str | None = None
    """The time zone times without an offset were read in (wearable exports)."""

    @property
    def kind(self) -> Literal["journal", "wearable"]:
        """``journal`` for the journal's own formats, ``wearable`` for an export's samples."""
        return "journal" if self.source in JOURNAL_SOURCES else "wearable"

    def skip(self, reason: str, count: int = 1, where: str | None = None) -> None:
        """Count ``count`` records skipped for ``reason``; remember the first few ``where``."""
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + count
        if where is not None:
            places = self.skipped_where.setdefault(reason, [])
            if len(places) < MAX_PLACES:
                places.append(where)

    @property
    def skipped(self) -> list[str]:
        """One line per reason records were skipped for, with how many and the first places.

        >>> summary = ImportSummary("apple-health", "export.xml")
        >>> for line in (1036, 1037, 2000, 2001):
        ...     summary.skip("ends before it starts", where=f"export.xml line {line}")
        >>> print(summary.skipped[0])
        4 records skipped: ends before it starts — export.xml line 1036, line 1037, line 2000, …
        """
        lines = []
        for reason, count in self.skipped_reasons.items():
            places = self.skipped_where.get(reason)
            if not places:
                lines.append(reason if count == 1 else f"{reason} ({count} records)")
                continue
            text = _places(places) + (", …" if count > len(places) else "")
            noun = "record" if count == 1 else "records"
            lines.append(f"{count} {noun} skipped: {reason} — {text}")
        return lines

    @property
    def records_skipped(self) -> int:
        return sum(self.skipped_reasons.values())

    @property
    def samples_added(self) -> int:
        """New raw samples (wearable imports)."""
        return self.added

    @property
    def samples_known(self) -> int:
        """Samples read that the journal held already (wearable imports)."""
        return self.unchanged

    @property
    def nights(self) -> int:
        """Nights the import touched: added, updated or found unchanged."""
        return self.nights_added + self.nights_updated + self.nights_unchanged

    def line(self) -> str:
        """One line such as ``apple-health: 30 nights added, 0 updated, 2 unchanged; …``."""
        if self.kind == "journal":
            return self._entries_line()
        if self.already_imported:
            text = (
                f"{self.source}: {self.file} was already imported; nothing changed "
                f"({self.nights_unchanged} nights unchanged)"
            )
            return "; ".join([text, *self.notes])
        text = (
            f"{self.source}: {self.nights_added} nights added, {self.nights_updated} updated, "
            f"{self.nights_unchanged} unchanged; {self.added} new samples of "
            f"{self.records_read} read"
        )
        if self.updated:
            text += f", {self.updated} read again in {self.zone or 'another zone'}"
        if self.skipped_reasons:
            reasons = "; ".join(
                f"{n} × {reason}" for reason, n in sorted(self.skipped_reasons.items())
            )
            text += f"; {self.records_skipped} skipped ({reasons})"
        if self.warnings:
            text += f"; {self.warnings} warnings"
        for note in self.notes:
            text += f"; {note}"
        return text

    def _entries_line(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped_reasons:
            text += f", {self.records_skipped} bad rows skipped"
        return text

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["records_skipped"] = self.records_skipped
        data["samples_added"] = self.samples_added
        data["samples_known"] = self.samples_known
        return data


def _places(places: list[str]) -> str:
    """``a.xml line 3, line 9`` for places in one file; each in full otherwise."""
    parts = [place.rsplit(" ", 2) for place in places]
    files = {p[0] for p in parts if len(p) == 3 and p[1] in ("line", "record")}
    if len(files) == 1 and all(len(p) == 3 for p in parts):
        return places[0] + "".join(f", {p[1]} {p[2]}" for p in parts[1:])
    return ", ".join(places)

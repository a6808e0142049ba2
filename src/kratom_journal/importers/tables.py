"""CSV files as exports write them: any encoding, delimiter, line ending or preamble.

A :class:`Table` is a header and its rows with their line numbers, so every
problem can be reported as ``file, line N``. Lines are split one at a time: an
unclosed quote spoils its own line only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kratom_journal.importers.common import decode_text, read_bytes
from kratom_journal.importers.safe_input import InputBundle, Member

DELIMITERS = (",", ";", "\t")


def header_key(name: str) -> str:
    """A column name compared loosely: case, spaces, quotes and a BOM do not matter.

    >>> header_key(' "Time in bed (seconds)" ')
    'time in bed (seconds)'
    """
    return " ".join(name.replace("\ufeff", "").strip().strip('"').split()).casefold()


def sniff_delimiter(line: str) -> str:
    """The delimiter a header line uses (the most frequent of ``,``, ``;`` and tab).

    >>> sniff_delimiter("Start;End;Sleep quality"), sniff_delimiter("from,to,light (s)")
    (';', ',')
    """
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(slots=True)
class Table:
    """One CSV file: where it came from, its header and its rows by line number."""

    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str = ","

    def column(self, *names: str) -> int | None:
        """Index of the first column named like any of ``names`` (see :func:`header_key`)."""
        keys = [header_key(h) for h in self.header]
        for name in names:
            wanted = header_key(name)
            if wanted in keys:
                return keys.index(wanted)
        return None

    def has(self, *names: str) -> bool:
        """True when every one of ``names`` is a column."""
        return all(self.column(name) is not None for name in names)


def split_line(line: str, delimiter: str) -> list[str]:
    """One CSV line's cells."""
    return next(csv.reader([line], delimiter=delimiter), [])


def table_from_text(text: str, label: str, *, skip: int = 0, delimiter: str | None = None) -> Table:
    """A table from decoded text; ``skip`` lines (a preamble) come before the header."""
    lines = text.splitlines()
    header_at = skip
    while header_at < len(lines) and not lines[header_at].strip():
        header_at += 1
    if header_at >= len(lines):
        return Table(label, [], [], delimiter or ",")
    found = delimiter or sniff_delimiter(lines[header_at])
    header = split_line(lines[header_at], found)
    rows = [
        (number, split_line(line, found))
        for number, line in enumerate(lines[header_at + 1 :], header_at + 2)
        if line.strip()
    ]
    return Table(label, header, rows, found)


def read_table(
    bundle: InputBundle, member: Member, *, skip: int = 0, delimiter: str | None = None
) -> Table:
    """A CSV member as a :class:`Table` (UTF-8, UTF-16 or Windows-1252; CRLF or LF)."""
    label = bundle.display(member)
    text = decode_text(read_bytes(bundle, member), label, lenient=True)
    return table_from_text(text, label, skip=skip, delimiter=delimiter)


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for recognising its header."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) - len(head) % 2].decode("utf-16", "replace")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def head_columns(head: bytes, skip: int = 0) -> list[str]:
    """Loose column names of the header line in a file's first bytes."""
    lines = head_text(head).splitlines()
    lines = [line for line in lines[skip:] if line.strip()]
    if not lines:
        return []
    return [header_key(name) for name in split_line(lines[0], sniff_delimiter(lines[0]))]


def has_columns(columns: Sequence[str], wanted: Iterable[str]) -> bool:
    """True when every wanted column (loosely compared) is among ``columns``."""
    present = set(columns)
    return all(header_key(name) in present for name in wanted)


def cells(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as loose column name → cell text (extra cells are ignored)."""
    keys = [header_key(h) for h in table.header]
    for number, row in table.rows:
        yield number, dict(zip(keys, (cell.strip() for cell in row), strict=False))

"""Records read in full before a transaction opens, kept in an anonymous temporary file.

Parsing a large export takes most of an import's time; doing it while holding the
journal's write lock would make every other write wait (and time out). The records
are read first into a spool (an unnamed ``0600`` temporary file, never in the
journal's folder, gone when closed) and written afterwards in one short transaction.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
BATCH = 2000


class Spool(Generic[T]):
    """Items written once in batches, then read back in the same order (any number of times)."""

    def __init__(self, items: Iterable[T]) -> None:
        self._file = tempfile.TemporaryFile()  # closed by close()
        self.count = 0
        batch: list[T] = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) >= BATCH:
                    self._write(batch)
                    batch = []
            self._write(batch)
        except BaseException:
            self.close()
            raise

    def _write(self, batch: list[T]) -> None:
        if batch:
            pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(batch)

    def __iter__(self) -> Iterator[T]:
        self._file.seek(0)
        while True:
            try:
                batch: list[T] = pickle.load(self._file)  # our own file, never input
            except EOFError:
                return
            yield from batch

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
